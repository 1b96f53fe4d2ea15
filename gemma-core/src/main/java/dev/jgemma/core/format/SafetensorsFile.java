package dev.jgemma.core.format;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HuggingFace safetensors file, memory-mapped. Supported dtypes: F32, F16, BF16; a tensor of
 * another dtype is listed in the error that rejects the file. Use {@link SafetensorsCheckpoint} to
 * open a folder (single file or sharded).
 */
public final class SafetensorsFile implements TensorSource {
    private static final long MAX_HEADER = 100L << 20;

    private final MappedFile file;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(MappedFile file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Maps and parses a safetensors file.
     *
     * @param path the file
     * @return the parsed file; close it to unmap
     * @throws ModelFormatException if the file is missing, truncated or malformed, or holds a
     *     dtype jgemma does not support
     */
    public static SafetensorsFile open(Path path) {
        MappedFile file = MappedFile.open(path);
        try {
            return parse(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(MappedFile file) {
        Path path = file.path();
        MemorySegment seg = file.segment();
        if (seg.byteSize() < 8) {
            throw ModelFormatException.of(path, "truncated safetensors file: " + seg.byteSize() + " bytes, no header length");
        }
        long headerLen = seg.get(LittleEndian.LONG, 0);
        if (headerLen < 2 || headerLen > MAX_HEADER || headerLen > seg.byteSize() - 8) {
            throw ModelFormatException.of(path, "invalid safetensors header length " + Long.toUnsignedString(headerLen)
                    + " for a file of " + seg.byteSize() + " bytes (truncated or not a safetensors file)");
        }
        String json = new String(seg.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        Map<String, Object> header;
        try {
            header = Json.asObject(Json.parse(json));
        } catch (Json.JsonException e) {
            throw new ModelFormatException(path + ": safetensors header: " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLen;
        long dataSize = seg.byteSize() - dataStart;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> entry)) {
                throw ModelFormatException.of(path, "tensor '" + name + "': header entry is " + Json.describe(e.getValue()) + ", expected an object");
            }
            String dtype = entry.get("dtype") instanceof String s ? s : null;
            if (dtype == null) {
                throw ModelFormatException.of(path, "tensor '" + name + "': missing string field 'dtype'");
            }
            TensorType type = switch (dtype) {
                case "F32" -> TensorType.F32;
                case "F16" -> TensorType.F16;
                case "BF16" -> TensorType.BF16;
                default -> throw ModelFormatException.of(path, "tensor '" + name + "' has dtype " + dtype
                        + ", unsupported (jgemma reads F32, F16 and BF16 safetensors)");
            };
            long[] shape = longs(path, name, "shape", entry.get("shape"), -1);
            long[] offsets = longs(path, name, "data_offsets", entry.get("data_offsets"), 2);
            long elements;
            try {
                elements = Tensor.elementCount(shape);
                long bytes = type.bytesFor(elements);
                if (offsets[0] > offsets[1] || offsets[1] - offsets[0] != bytes) {
                    throw ModelFormatException.of(path, "tensor '" + name + "': data_offsets " + offsets[0] + ".." + offsets[1]
                            + " hold " + (offsets[1] - offsets[0]) + " bytes but shape " + java.util.Arrays.toString(shape)
                            + " of " + dtype + " needs " + bytes);
                }
            } catch (ArithmeticException ex) {
                throw ModelFormatException.of(path, "tensor '" + name + "' is too large (size overflows)");
            }
            if (offsets[1] > dataSize) {
                throw ModelFormatException.of(path, "tensor '" + name + "' ends at data byte " + offsets[1] + " but the file holds only "
                        + dataSize + " bytes of data: truncated or corrupt");
            }
            MemorySegment data = seg.asSlice(dataStart + offsets[0], offsets[1] - offsets[0]);
            tensors.put(name, new Tensor(name, type, shape, data, path.toString()));
        }
        return new SafetensorsFile(file, tensors, metadata);
    }

    private static long[] longs(Path path, String tensor, String field, Object value, int expectedLength) {
        if (!(value instanceof List<?> list) || (expectedLength >= 0 && list.size() != expectedLength)) {
            throw ModelFormatException.of(path, "tensor '" + tensor + "': field '" + field + "' must be an array"
                    + (expectedLength >= 0 ? " of " + expectedLength + " integers" : " of integers"));
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) {
                throw ModelFormatException.of(path, "tensor '" + tensor + "': field '" + field + "' holds " + list.get(i)
                        + ", expected a non-negative integer");
            }
            out[i] = l;
        }
        return out;
    }

    /** @return the {@code __metadata__} entries, if any */
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Path path() {
        return file.path();
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
        file.close();
    }
}
