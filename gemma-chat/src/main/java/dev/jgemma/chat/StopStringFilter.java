package dev.jgemma.chat;

import java.util.List;

/**
 * Finds stop strings in streamed text, which may span any number of chunks (tokens), and decides
 * what may be shown: text that could still turn out to be the start of a stop string is held
 * back until it is clear, so a stop string is never shown, not even in part.
 */
final class StopStringFilter {
    private final List<String> stops;
    private final StringBuilder text = new StringBuilder();
    private int released;
    private int stopAt = -1;

    StopStringFilter(List<String> stops) {
        this.stops = stops;
    }

    /**
     * Adds generated text.
     *
     * @param chunk the new text
     * @return the text that can be shown now (possibly empty)
     */
    String append(String chunk) {
        if (stopAt >= 0) {
            return "";
        }
        text.append(chunk);
        // A match can only start in the held-back part: everything released was proven clear.
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s, released);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        if (first >= 0) {
            stopAt = first;
            return release(first);
        }
        return release(text.length() - heldBack());
    }

    /** @return the rest of the text at the end of generation (nothing after a stop string) */
    String finish() {
        return stopAt >= 0 ? "" : release(text.length());
    }

    /** @return whether a stop string was found */
    boolean stopped() {
        return stopAt >= 0;
    }

    /** @return the reply text: everything before the first stop string, or everything */
    String text() {
        return stopAt >= 0 ? text.substring(0, stopAt) : text.toString();
    }

    /** Length of the longest suffix of the text that is a proper prefix of a stop string. */
    private int heldBack() {
        int best = 0;
        for (String s : stops) {
            int max = Math.min(s.length() - 1, text.length() - released);
            for (int k = max; k > best; k--) {
                if (endsWithPrefix(s, k)) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    /** Whether the text ends with the first {@code k} characters of {@code s}. */
    private boolean endsWithPrefix(String s, int k) {
        int start = text.length() - k;
        for (int i = 0; i < k; i++) {
            if (text.charAt(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String release(int upTo) {
        if (upTo <= released) {
            return "";
        }
        String out = text.substring(released, upTo);
        released = upTo;
        return out;
    }
}
