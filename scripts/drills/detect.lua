-- wrk: PII detection at the sidecar with the drill client's bearer token (DRILL_TOKEN).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("DRILL_TOKEN") or "")
wrk.body = '{"text":"Client Amina Wanjiru (born 03/05/1990, ID 23456789) called from +254 712 345 678 about her appointment; '
  .. 'e-mail amina.wanjiru@example.org, card 4111 1111 1111 1111."}'
