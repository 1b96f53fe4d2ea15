package dev.jgemma.core.eval;

import java.util.ArrayList;
import java.util.List;

/** Cuts a token stream into evaluation windows as {@link EvalOptions} describes. */
final class Windows {
    /**
     * One window: the tokens fed to a fresh session, and which of its positions are scored.
     *
     * @param tokens what the session is fed (with the {@code <bos>}, if any)
     * @param firstTarget the first window index whose token is scored; the targets are
     *     {@code tokens[firstTarget..]}, each predicted by the logits row before it
     */
    record Window(int[] tokens, int firstTarget) {
        int targets() {
            return tokens.length - firstTarget;
        }
    }

    private Windows() {
    }

    static List<Window> plan(int[] text, EvalOptions o) {
        return o.method() == EvalOptions.Method.STRIDED ? strided(text, o) : llamaCpp(text, o);
    }

    private static List<Window> strided(int[] text, EvalOptions o) {
        boolean bos = o.bosId() >= 0;
        int span = o.context() - (bos ? 1 : 0);
        int minimum = bos ? 1 : 2;
        if (text.length < minimum) {
            throw new IllegalArgumentException("the text has " + text.length + " tokens; at least " + minimum
                    + " are needed to score one");
        }
        List<Window> windows = new ArrayList<>();
        int prevEnd = 0;
        for (int start = 0; ; start += o.stride()) {
            int end = Math.min(start + span, text.length);
            int[] w = new int[(bos ? 1 : 0) + end - start];
            if (bos) {
                w[0] = o.bosId();
            }
            System.arraycopy(text, start, w, bos ? 1 : 0, end - start);
            int firstTargetText = Math.max(prevEnd, bos ? start : start + 1);
            windows.add(new Window(w, firstTargetText - start + (bos ? 1 : 0)));
            prevEnd = end;
            if (end == text.length) {
                return windows;
            }
        }
    }

    private static List<Window> llamaCpp(int[] text, EvalOptions o) {
        int ctx = o.context();
        if (text.length < ctx) {
            throw new IllegalArgumentException("the text has " + text.length + " tokens, fewer than one chunk of " + ctx
                    + " (use a smaller --context)");
        }
        List<Window> windows = new ArrayList<>();
        for (int start = 0; start + ctx <= text.length; start += ctx) {
            int[] w = new int[ctx];
            System.arraycopy(text, start, w, 0, ctx);
            if (o.bosId() >= 0) {
                w[0] = o.bosId();
            }
            windows.add(new Window(w, ctx / 2 + 1));
        }
        return windows;
    }
}
