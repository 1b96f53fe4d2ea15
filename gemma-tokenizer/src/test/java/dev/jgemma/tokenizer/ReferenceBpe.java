package dev.jgemma.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * A deliberately plain reimplementation of HuggingFace's BPE for Gemma, written from the
 * tokenizer.json semantics and sharing no code with the tokenizer under test: strings, a
 * {@code HashMap} of "left right" merges, linked {@code Node} objects and a
 * {@code PriorityQueue}. No word splitting (the whole text between added tokens is one word, as
 * in HF), added tokens matched leftmost-longest by {@code String.startsWith}.
 */
final class ReferenceBpe {
    private final Map<String, Integer> vocab = new HashMap<>();
    private final Map<String, Integer> mergeRank = new HashMap<>();
    private final List<String> addedTokens = new ArrayList<>();

    private static ReferenceBpe instance;

    static synchronized ReferenceBpe get() {
        if (instance == null) {
            instance = new ReferenceBpe();
        }
        return instance;
    }

    private ReferenceBpe() {
        try (JsonParser p = new JsonFactory().createParser(Files.newInputStream(Fixtures.tokenizerJson()))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("added_tokens")) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                            String field = p.currentName();
                            p.nextToken();
                            if (field.equals("content")) {
                                addedTokens.add(p.getString());
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                } else if (name.equals("model")) {
                    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = p.currentName();
                        p.nextToken();
                        if (field.equals("vocab")) {
                            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                                String piece = p.currentName();
                                p.nextToken();
                                vocab.put(piece, p.getIntValue());
                            }
                        } else if (field.equals("merges")) {
                            int rank = 0;
                            while (p.nextToken() == JsonToken.VALUE_STRING) {
                                mergeRank.put(p.getString(), rank++);
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HF {@code encode(text, add_special_tokens=False)}. */
    List<Integer> encode(String text) {
        List<Integer> ids = new ArrayList<>();
        StringBuilder segment = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            String longest = null;
            for (String token : addedTokens) {
                if (text.startsWith(token, i) && (longest == null || token.length() > longest.length())) {
                    longest = token;
                }
            }
            if (longest != null) {
                bpe(segment.toString().replace(' ', '\u2581'), ids);
                segment.setLength(0);
                ids.add(vocab.get(longest));
                i += longest.length();
            } else {
                segment.append(text.charAt(i++));
            }
        }
        bpe(segment.toString().replace(' ', '\u2581'), ids);
        return ids;
    }

    private static final class Node {
        String text;
        Node prev;
        Node next;
        final int position;
        boolean removed;

        Node(String text, int position) {
            this.text = text;
            this.position = position;
        }
    }

    private record Candidate(Node left, String leftText, String rightText, int rank) {
    }

    private void bpe(String word, List<Integer> ids) {
        if (word.isEmpty()) {
            return;
        }
        List<Node> nodes = new ArrayList<>();
        word.codePoints().forEach(cp -> nodes.add(new Node(Character.toString(cp), nodes.size())));
        for (int k = 0; k < nodes.size(); k++) {
            nodes.get(k).prev = k > 0 ? nodes.get(k - 1) : null;
            nodes.get(k).next = k + 1 < nodes.size() ? nodes.get(k + 1) : null;
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>(
                Comparator.comparingInt(Candidate::rank).thenComparingInt(c -> c.left().position));
        for (Node n : nodes) {
            offer(queue, n);
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            Node left = c.left();
            Node right = left.next;
            if (left.removed || right == null || !left.text.equals(c.leftText()) || !right.text.equals(c.rightText())) {
                continue;
            }
            left.text = left.text + right.text;
            right.removed = true;
            left.next = right.next;
            if (right.next != null) {
                right.next.prev = left;
            }
            if (left.prev != null) {
                offer(queue, left.prev);
            }
            offer(queue, left);
        }
        for (Node n = nodes.get(0); n != null; n = n.next) {
            Integer id = vocab.get(n.text);
            if (id != null) {
                ids.add(id);
            } else {
                for (byte b : n.text.getBytes(StandardCharsets.UTF_8)) {
                    ids.add(vocab.get(String.format("<0x%02X>", b & 0xFF)));
                }
            }
        }
    }

    private void offer(PriorityQueue<Candidate> queue, Node left) {
        if (left.next == null) {
            return;
        }
        // only pieces in the vocabulary take part in merges (unknown characters become bytes in HF)
        if (!vocab.containsKey(left.text) || !vocab.containsKey(left.next.text)) {
            return;
        }
        Integer rank = mergeRank.get(left.text + " " + left.next.text);
        if (rank != null) {
            queue.add(new Candidate(left, left.text, left.next.text, rank));
        }
    }
}
