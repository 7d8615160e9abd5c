package org.opencasjobs.dialect;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** What later statements of a batch need to know of earlier ones: the variables declared so far. */
final class Batch {
    private final Map<String, String> variables = new HashMap<>();

    /** The declared type of a variable ({@code @name}), or null if it was not declared. */
    String typeOf(String variable) {
        return variables.get(variable.toLowerCase(Locale.ROOT));
    }

    void declare(String variable, String type) {
        variables.put(variable.toLowerCase(Locale.ROOT), type);
    }
}
