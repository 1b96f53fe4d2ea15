package dev.jgemma.tokenizer;

/**
 * Which adjacent symbols merge, and how urgently: the rule for a pair as
 * {@code rank << 32 | mergedId} (lower rank merges first), or {@link MergeTable#ABSENT}.
 */
interface MergeRules {
    /**
     * @param left id of the left symbol (negative for a character without a piece)
     * @param right id of the right symbol
     * @param text the word's text
     * @param from start of the left symbol in {@code text}
     * @param to end of the right symbol in {@code text}
     */
    long rule(int left, int right, char[] text, int from, int to);
}
