/**
 * Role catalogue seeding and drift: {@link dev.kinga.keycloak.roles.RoleSeeder} brings each governed
 * realm up to {@code roles.yaml} (read once by {@link dev.kinga.keycloak.roles.RoleCatalogueParser}),
 * additively, at every start and on realm creation; {@link dev.kinga.keycloak.roles.DriftDetector}
 * reports what differs. Entry points: {@link dev.kinga.keycloak.roles.RoleCatalogueResourceProviderFactory}
 * ({@code kinga-roles}, {@code /admin/realms/{realm}/kinga-roles/*}).
 */
package dev.kinga.keycloak.roles;
