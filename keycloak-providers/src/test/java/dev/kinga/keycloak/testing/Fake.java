package dev.kinga.keycloak.testing;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A stand-in for one Keycloak model interface in a unit test: it answers the methods the test
 * names (by method name) and fails loudly on any other, so a test never passes on a default it
 * did not mean. For unit tests only; integration tests run a real Keycloak.
 */
public final class Fake<T> {

    private final Class<T> type;
    private final Map<String, Function<Object[], Object>> answers = new HashMap<>();

    private Fake(Class<T> type) {
        this.type = type;
    }

    public static <T> Fake<T> of(Class<T> type) {
        return new Fake<>(type);
    }

    /** {@code method} returns {@code value} whatever its arguments. */
    public Fake<T> returns(String method, Object value) {
        answers.put(method, args -> value);
        return this;
    }

    /** {@code method} answers from its arguments. */
    public Fake<T> answers(String method, Function<Object[], Object> answer) {
        answers.put(method, answer);
        return this;
    }

    public T build() {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Function<Object[], Object> answer = answers.get(method.getName());
            if (answer != null) {
                return answer.apply(args == null ? new Object[0] : args);
            }
            return switch (method.getName()) {
                case "toString" -> "Fake " + type.getSimpleName();
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName() + " is not faked");
            };
        }));
    }
}
