package dev.jgemma.tokenizer;

/** Text helpers shared by the loaders and the encoder. */
final class Strings {
    /** Longest piece text quoted in an error message. */
    private static final int MAX_QUOTED = 60;

    private Strings() {
    }

    /** Makes {@code text} printable in an error message: control chars escaped, long text cut. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_QUOTED) + 8);
        for (int i = 0; i < text.length() && i < MAX_QUOTED; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) || c == 0x7F) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (text.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.toString();
    }

    /**
     * Copies {@code text} into {@code target} (which must be long enough), replacing every unpaired
     * surrogate by U+FFFD, so that the copy is well-formed UTF-16.
     */
    static void copyWellFormed(String text, char[] target) {
        int n = text.length();
        text.getChars(0, n, target, 0);
        for (int i = 0; i < n; i++) {
            char c = target[i];
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(target[i + 1])) {
                    i++;
                } else {
                    target[i] = '\uFFFD';
                }
            }
        }
    }

    /** Whether {@code bytes[0, length)} is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
    static boolean isValidUtf8(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int lower = 0x80;
            int upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                if (b == 0xE0) {
                    lower = 0xA0;
                } else if (b == 0xED) {
                    upper = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                if (b == 0xF0) {
                    lower = 0x90;
                } else if (b == 0xF4) {
                    upper = 0x8F;
                }
            } else {
                return false;
            }
            if (i + need >= length) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < lower || second > upper) {
                return false;
            }
            for (int k = 2; k <= need; k++) {
                int next = bytes[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return false;
                }
            }
            i += need + 1;
        }
        return true;
    }
}
