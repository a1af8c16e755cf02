package dev.kinga.sidecar.pii;

import dev.kinga.sidecar.security.BadRequestException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** k-anonymity of a table over its quasi-identifiers: the smallest equivalence class and the rows in classes below k. */
public final class KAnonymity {

    static final int MAX_ROWS = 100_000;
    static final int MAX_QUASI_IDENTIFIERS = 32;

    private KAnonymity() {
    }

    public static PiiApi.KAnonymityResponse check(PiiApi.KAnonymityRequest request) {
        if (request.rows() == null) {
            throw new BadRequestException("rows is required (a list of objects)");
        }
        if (request.rows().size() > MAX_ROWS) {
            throw new BadRequestException("rows: at most " + MAX_ROWS + " rows per request");
        }
        if (request.quasiIdentifiers() == null || request.quasiIdentifiers().isEmpty()) {
            throw new BadRequestException("quasiIdentifiers is required (the column names to group by)");
        }
        if (request.quasiIdentifiers().size() > MAX_QUASI_IDENTIFIERS) {
            throw new BadRequestException("quasiIdentifiers: at most " + MAX_QUASI_IDENTIFIERS);
        }
        int k = request.k() == null ? 2 : request.k();
        if (k < 1) {
            throw new BadRequestException("k must be at least 1");
        }
        Map<List<Object>, List<Integer>> classes = new HashMap<>();
        for (int i = 0; i < request.rows().size(); i++) {
            Map<String, Object> row = request.rows().get(i);
            if (row == null) {
                throw new BadRequestException("rows[" + i + "] must be an object");
            }
            List<Object> key = new ArrayList<>();
            for (String column : request.quasiIdentifiers()) {
                key.add(row.get(column));
            }
            classes.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
        }
        int smallest = classes.values().stream().mapToInt(List::size).min().orElse(0);
        List<Integer> violating = new ArrayList<>();
        classes.values().stream().filter(rows -> rows.size() < k).forEach(violating::addAll);
        violating.sort(Integer::compare);
        return new PiiApi.KAnonymityResponse(smallest, classes.size(), violating);
    }
}
