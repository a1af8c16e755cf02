/**
 * E-mail changes only after a recent sign-in, and the old address told:
 * {@link dev.kinga.keycloak.emailchange.EmailChangeNoticeFactory} ({@code kinga-email-change}).
 */
package dev.kinga.keycloak.emailchange;
