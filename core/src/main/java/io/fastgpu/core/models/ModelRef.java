package io.fastgpu.core.models;

import io.fastgpu.api.InvalidSpecException;

/**
 * A model named on the command line: {@code gesture} (its newest version) or {@code gesture:v3}.
 *
 * @param version the version, or 0 for the newest
 */
public record ModelRef(String name, int version) {
    private static final String NAME = "[a-z0-9][a-z0-9._-]{0,62}";

    /** Reads {@code NAME} or {@code NAME:vN}; one line saying the form when it is neither. */
    public static ModelRef parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        String v = colon < 0 ? null : t.substring(colon + 1);
        if (!name.matches(NAME) || (v != null && !v.matches("v[1-9][0-9]{0,8}"))) {
            throw new InvalidSpecException("model '" + t.replaceAll("\\p{Cntrl}", "?") + "' must be NAME or NAME:vN (NAME: lower-case"
                    + " letters, digits, '.', '_' or '-', at most 63), e.g. gesture or gesture:v2");
        }
        return new ModelRef(name, v == null ? 0 : Integer.parseInt(v.substring(1)));
    }

    @Override
    public String toString() { return version == 0 ? name : name + ":v" + version; }
}
