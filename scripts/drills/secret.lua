-- wrk: client_credentials at Keycloak's token endpoint with a client secret (client DRILL_CLIENT_ID,
-- secret DRILL_CLIENT_SECRET): the plainest token request, so what it costs is the trail's share.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "grant_type=client_credentials&client_id=" .. os.getenv("DRILL_CLIENT_ID")
  .. "&client_secret=" .. os.getenv("DRILL_CLIENT_SECRET")
