package dev.jgemma.core.format;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A HuggingFace checkpoint folder's weights: either one {@code model.safetensors} or shards listed
 * in {@code model.safetensors.index.json}. Each tensor must be in the shard the index names.
 */
public final class SafetensorsCheckpoint implements TensorSource {
    /** The single-file name. */
    public static final String SINGLE = "model.safetensors";
    /** The shard index name. */
    public static final String INDEX = "model.safetensors.index.json";

    private final Path folder;
    private final List<SafetensorsFile> shards;
    private final Map<String, Tensor> tensors;

    private SafetensorsCheckpoint(Path folder, List<SafetensorsFile> shards, Map<String, Tensor> tensors) {
        this.folder = folder;
        this.shards = shards;
        this.tensors = tensors;
    }

    /**
     * Opens the weights of a checkpoint folder.
     *
     * @param folder a folder with {@code model.safetensors} or {@code model.safetensors.index.json}
     * @return the weights; close to unmap
     * @throws ModelFormatException if neither file is present, the index is malformed, a shard is
     *     missing or malformed, or a tensor is not where the index says
     */
    public static SafetensorsCheckpoint open(Path folder) {
        Path index = folder.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            return openSharded(folder, index);
        }
        Path single = folder.resolve(SINGLE);
        if (!Files.isRegularFile(single)) {
            throw ModelFormatException.of(folder, "no " + SINGLE + " or " + INDEX + " in this folder");
        }
        SafetensorsFile file = SafetensorsFile.open(single);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        file.tensors().forEach(t -> tensors.put(t.name(), t));
        return new SafetensorsCheckpoint(folder, List.of(file), tensors);
    }

    private static SafetensorsCheckpoint openSharded(Path folder, Path index) {
        Map<String, Object> root;
        try {
            root = Json.asObject(Json.parse(Files.readString(index)));
        } catch (IOException e) {
            throw new ModelFormatException(index + ": cannot read: " + e.getMessage(), e);
        } catch (Json.JsonException e) {
            throw new ModelFormatException(index + ": " + e.getMessage(), e);
        }
        if (!(root.get("weight_map") instanceof Map<?, ?> weightMap)) {
            throw ModelFormatException.of(index, "missing object field 'weight_map'");
        }
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<?, ?> e : weightMap.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof String shardName) || shardName.contains("/") || shardName.contains("\\")) {
                    throw ModelFormatException.of(index, "weight_map entry '" + name + "' must be a file name in the same folder");
                }
                SafetensorsFile shard = opened.computeIfAbsent(shardName, s -> SafetensorsFile.open(folder.resolve(s)));
                Tensor t = shard.find(name).orElseThrow(() -> ModelFormatException.of(shard.path(),
                        "missing tensor '" + name + "' that " + INDEX + " places in this shard"));
                tensors.put(name, t);
            }
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new SafetensorsCheckpoint(folder, new ArrayList<>(opened.values()), tensors);
    }

    /** @return the shard files, in index order */
    public List<SafetensorsFile> shards() {
        return List.copyOf(shards);
    }

    @Override
    public Path path() {
        return folder;
    }

    @Override
    public Collection<Tensor> tensors() {
        return tensors.values();
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
