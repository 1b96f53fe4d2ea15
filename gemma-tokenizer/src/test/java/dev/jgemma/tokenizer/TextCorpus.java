package dev.jgemma.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Text for differential tests: seeded random strings that mix everything the tokenizer must
 * handle, plus real paragraphs from files found on the machine (man pages in several languages,
 * documentation). Nothing is stored in the repository.
 */
final class TextCorpus {
    private static final String[] FRAGMENTS = {
        " ", "  ", "   ", " ".repeat(33), " ".repeat(70), "\t", "\t\t", "\t".repeat(40), "\n", "\n\n", "\n".repeat(35),
        "\r\n", "\u2581", "\u2581\u2581", "\u2581".repeat(40), "<start_of_turn>", "<end_of_turn>", "<bos>", "<eos>",
        "<pad>", "<unk>", "<mask>", "<unused0>", "<unused98>", "<unused99>", "[toxicity=0]", "<td>", "</code>",
        "<s>", "<start_of_tur", "< td>", "the", "The", " quick", "brown", "fox", "ing", "tion", "über", "Straße",
        "日本語", "中文", "한국어", "русский", "ελληνικά", "עברית", "العربية", "हिन्दी", "ไทย", "😀", "👋🏽", "🫨",
        "\uD83E\uDEE8", "\u0000", "\u0007", "\u00A0", "\u3000", "\u200B", "\u200D", "\uFEFF", "\uE000", "\uFFFD",
        "e\u0301", "\u00E9", "0", "12", "3.14159", "1,000,000", "x = y + 1;", "if (a < b) {", "}", "<html>",
        "http://example.com/a?b=c&d=e", "__init__", "->", "=>", "::", "...", "—", "“", "”", "½", "²", "∑",
        "\u0301", "\uD800\uDC00", "\uDBFF\uDFFF", "Ⅻ", "ﬁ", "Å", "A\u030A",
    };

    private TextCorpus() {
    }

    /** {@code count} random mixes of the fragments above, reproducible from {@code seed}. */
    static List<String> randomMixes(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int parts = 1 + random.nextInt(25);
            for (int k = 0; k < parts; k++) {
                text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                if (random.nextInt(3) == 0) {
                    text.append(' ');
                }
            }
            texts.add(text.toString());
        }
        return texts;
    }

    /** Paragraphs (split at blank lines, at most ~4000 chars) of text files on this machine, up to {@code maxBytes}. */
    static List<String> machineParagraphs(long maxBytes) {
        List<String> paragraphs = new ArrayList<>();
        long[] total = {0};
        List<Path> roots = new ArrayList<>();
        for (String lang : List.of("man1", "de", "fr", "ru", "ja", "zh_CN", "ko", "pl", "es")) {
            roots.add(Path.of("/usr/share/man", lang));
        }
        roots.add(Path.of("/usr/share/doc"));
        long perRoot = maxBytes / roots.size();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            long budget = total[0] + perRoot;
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    if (total[0] >= budget) {
                        break;
                    }
                    String text = read(file);
                    if (text != null) {
                        split(text, paragraphs, total);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable folder only makes the corpus smaller
            }
        }
        return paragraphs;
    }

    private static String read(Path file) {
        String name = file.getFileName().toString();
        if (!(name.endsWith(".gz") || name.endsWith(".txt") || name.endsWith(".md") || name.startsWith("README"))) {
            return null;
        }
        try (InputStream in = name.endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(200_000);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) {
            return null; // not UTF-8 (CharacterCodingException) or unreadable
        }
    }

    private static void split(String text, List<String> paragraphs, long[] total) {
        for (String paragraph : text.split("\n\n")) {
            int start = 0;
            while (start < paragraph.length()) {
                int end = Math.min(paragraph.length(), start + 4000);
                if (end < paragraph.length() && Character.isHighSurrogate(paragraph.charAt(end - 1))) {
                    end--;
                }
                String part = paragraph.substring(start, end);
                start = end;
                if (!part.isBlank()) {
                    paragraphs.add(part);
                    total[0] += part.length();
                }
            }
        }
    }
}
