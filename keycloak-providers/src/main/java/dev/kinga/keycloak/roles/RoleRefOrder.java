package dev.kinga.keycloak.roles;

import java.util.Comparator;

/** Stable report order: realm roles first, then client roles by client, each by name. */
final class RoleRefOrder implements Comparator<RoleRef> {

    static final RoleRefOrder INSTANCE = new RoleRefOrder();

    @Override
    public int compare(RoleRef a, RoleRef b) {
        String ca = a.client() == null ? "" : a.client();
        String cb = b.client() == null ? "" : b.client();
        int byClient = ca.compareTo(cb);
        return byClient != 0 ? byClient : a.name().compareTo(b.name());
    }
}
