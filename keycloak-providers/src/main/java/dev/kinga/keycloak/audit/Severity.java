package dev.kinga.keycloak.audit;

public enum Severity {
    INFO, WARNING, ERROR, CRITICAL
}
