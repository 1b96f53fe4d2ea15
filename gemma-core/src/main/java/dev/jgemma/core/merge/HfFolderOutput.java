package dev.jgemma.core.merge;

import dev.jgemma.core.format.SafetensorsCheckpoint;
import dev.jgemma.core.format.SafetensorsWriter;
import dev.jgemma.core.tensor.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An HF checkpoint folder: {@code model.safetensors}, plus {@code config.json} and the tokenizer
 * files of a template folder. Built in a hidden temporary folder beside the target and renamed
 * into place on commit.
 */
final class HfFolderOutput implements MergeOutput {
    private static final List<String> COPIED = List.of("config.json", "tokenizer.json", "tokenizer.model", "tokenizer_config.json",
            "special_tokens_map.json", "generation_config.json");

    private final Path target;
    private final Path template;
    private final Map<String, String> metadata;
    private final Path temp;
    private final List<SafetensorsWriter.Entry> entries = new ArrayList<>();
    private SafetensorsWriter writer;
    private boolean committed;

    HfFolderOutput(Path target, Path template, Map<String, String> metadata) {
        this.target = target.toAbsolutePath();
        this.template = template;
        this.metadata = metadata;
        try {
            Files.createDirectories(this.target.getParent());
            this.temp = Files.createTempDirectory(this.target.getParent(), "." + this.target.getFileName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void declare(String name, TensorType type, long[] shape) {
        entries.add(new SafetensorsWriter.Entry(name, type, shape));
    }

    @Override
    public void append(TensorType type, float[] values, int offset, int count) {
        if (writer == null) {
            writer = SafetensorsWriter.create(temp.resolve(SafetensorsCheckpoint.SINGLE), entries, metadata);
        }
        writer.append(values, offset, count);
    }

    @Override
    public void commit() {
        try {
            writer.commit();
            for (String f : COPIED) {
                Path src = template.resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, temp.resolve(f));
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (!committed) {
            try (Stream<Path> s = Files.walk(temp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // best effort: the temporary folder is hidden (dot-prefixed)
            }
        }
    }
}
