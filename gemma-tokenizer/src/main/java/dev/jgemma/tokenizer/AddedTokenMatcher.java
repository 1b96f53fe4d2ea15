package dev.jgemma.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Finds added tokens (pieces matched whole in the text before BPE) at a position: the longest
 * one that starts there. Scanning positions left to right and taking the longest match at the
 * first position that has one gives HuggingFace's leftmost-longest, non-overlapping matching,
 * and SentencePiece's longest-prefix matching of user-defined pieces.
 *
 * <p>A char trie flattened into arrays; immutable.
 */
final class AddedTokenMatcher {
    static final long NO_MATCH = -1L;

    /** Bit per BMP char: can an added token start with it? */
    private final long[] firstChars = new long[1024];
    /** Per node: first edge index and edge count into {@link #edgeChars}/{@link #edgeTargets}. */
    private final int[] firstEdge;
    private final int[] edgeCount;
    /** Per node: id of the token that ends here, or -1. */
    private final int[] tokenAt;
    /** Edges sorted by char within each node. */
    private final char[] edgeChars;
    private final int[] edgeTargets;
    private final int tokenCount;

    /**
     * @param contents token texts; empty texts are ignored
     * @param ids token ids, parallel to {@code contents}
     */
    AddedTokenMatcher(List<String> contents, int[] ids) {
        Node root = new Node();
        int count = 0;
        for (int i = 0; i < contents.size(); i++) {
            String text = contents.get(i);
            if (text.isEmpty()) {
                continue;
            }
            Node node = root;
            for (int k = 0; k < text.length(); k++) {
                node = node.children.computeIfAbsent(text.charAt(k), c -> new Node());
            }
            node.token = ids[i];
            char first = text.charAt(0);
            firstChars[first >>> 6] |= 1L << first;
            count++;
        }
        tokenCount = count;
        List<Node> nodes = new ArrayList<>();
        number(root, nodes);
        firstEdge = new int[nodes.size()];
        edgeCount = new int[nodes.size()];
        tokenAt = new int[nodes.size()];
        int edges = nodes.size() - 1;
        edgeChars = new char[edges];
        edgeTargets = new int[edges];
        int at = 0;
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            tokenAt[n] = node.token;
            firstEdge[n] = at;
            edgeCount[n] = node.children.size();
            for (var child : node.children.entrySet()) {
                edgeChars[at] = child.getKey();
                edgeTargets[at] = child.getValue().index;
                at++;
            }
        }
    }

    private static void number(Node node, List<Node> nodes) {
        node.index = nodes.size();
        nodes.add(node);
        for (Node child : node.children.values()) {
            number(child, nodes);
        }
    }

    /** Number of tokens this matcher finds. */
    int tokenCount() {
        return tokenCount;
    }

    /** Whether some token starts with {@code c}; a cheap filter before {@link #longestAt}. */
    boolean mayStartWith(char c) {
        return (firstChars[c >>> 6] & (1L << c)) != 0;
    }

    /**
     * The longest token that starts at {@code text[pos]} and ends at or before {@code end}, as
     * {@code length << 32 | id}, or {@link #NO_MATCH}.
     */
    long longestAt(char[] text, int pos, int end) {
        int node = 0;
        long best = NO_MATCH;
        for (int i = pos; i < end; i++) {
            node = child(node, text[i]);
            if (node < 0) {
                break;
            }
            if (tokenAt[node] >= 0) {
                best = ((long) (i + 1 - pos) << 32) | tokenAt[node];
            }
        }
        return best;
    }

    private int child(int node, char c) {
        int lo = firstEdge[node];
        int hi = lo + edgeCount[node] - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            char m = edgeChars[mid];
            if (m < c) {
                lo = mid + 1;
            } else if (m > c) {
                hi = mid - 1;
            } else {
                return edgeTargets[mid];
            }
        }
        return -1;
    }

    private static final class Node {
        final TreeMap<Character, Node> children = new TreeMap<>();
        int token = -1;
        int index;
    }
}
