package dev.jgemma.core.format;

import dev.jgemma.core.ModelFormatException;
import dev.jgemma.core.tensor.LittleEndian;
import dev.jgemma.core.tensor.Tensor;
import dev.jgemma.core.tensor.TensorType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3), memory-mapped: its metadata and its tensors by name.
 * Every count, size and offset is checked against the file length before any data is touched,
 * so a truncated or corrupt file fails with a {@link ModelFormatException} naming the file and
 * the field or tensor at fault.
 *
 * <pre>{@code
 * try (GgufFile gguf = GgufFile.open(Path.of("gemma-2-2b-it-Q4_0.gguf"))) {
 *     System.out.println(gguf.metadata().get("general.architecture"));
 *     Tensor embedding = gguf.get("token_embd.weight");
 * }
 * }</pre>
 */
public final class GgufFile implements TensorSource {
    /** "GGUF" read as a little-endian int. */
    public static final int MAGIC = 0x46554747;
    /** The default data alignment when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private final MappedFile file;
    private final int version;
    private final Map<String, GgufValue> metadata;
    private final Map<String, Tensor> tensors;
    private final Map<String, Long> tensorOffsets;
    private final long dataStart;
    private final int alignment;

    private GgufFile(MappedFile file, int version, Map<String, GgufValue> metadata, Map<String, Tensor> tensors,
                     Map<String, Long> tensorOffsets, long dataStart, int alignment) {
        this.file = file;
        this.version = version;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.tensorOffsets = tensorOffsets;
        this.dataStart = dataStart;
        this.alignment = alignment;
    }

    /**
     * Maps and parses a GGUF file.
     *
     * @param path the file
     * @return the parsed file; close it to unmap
     * @throws ModelFormatException if the file is missing, truncated, malformed, or of an unknown
     *     version; tensors of types jgemma cannot compute with are listed, not rejected here
     */
    public static GgufFile open(Path path) {
        MappedFile file = MappedFile.open(path);
        try {
            return parse(file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static GgufFile parse(MappedFile file) {
        Reader r = new Reader(file);
        int magic = r.i32("magic");
        if (magic != MAGIC) {
            throw ModelFormatException.of(file.path(), String.format("not a GGUF file (magic 0x%08x, expected \"GGUF\")", magic));
        }
        int version = r.i32("version");
        if (version != 2 && version != 3) {
            throw ModelFormatException.of(file.path(), "unsupported GGUF version " + Integer.toUnsignedString(version)
                    + " (jgemma reads versions 2 and 3)");
        }
        long tensorCount = r.count("tensor count", 8 + 4 + 8 + 4);
        long kvCount = r.count("metadata count", 8 + 4);
        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = r.string("metadata key #" + i);
            int typeId = r.i32("type of metadata '" + key + "'");
            GgufValueType type = GgufValueType.ofId(typeId);
            if (type == null) {
                throw ModelFormatException.of(file.path(), "metadata '" + key + "' has unknown value type " + typeId);
            }
            GgufValue value = new GgufValue(type, r.value(type, key, 0));
            if (metadata.putIfAbsent(key, value) != null) {
                throw ModelFormatException.of(file.path(), "duplicate metadata key '" + key + "'");
            }
        }
        int alignment = DEFAULT_ALIGNMENT;
        GgufValue align = metadata.get("general.alignment");
        if (align != null) {
            if (!(align.value() instanceof Long a) || a <= 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
                throw ModelFormatException.of(file.path(), "metadata 'general.alignment' must be a power of two, found " + align);
            }
            alignment = (int) (long) a;
        }
        record Info(String name, long[] shape, TensorType type, long offset) { }
        List<Info> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = r.string("name of tensor #" + i);
            int nDims = r.i32("dimension count of tensor '" + name + "'");
            if (nDims < 1 || nDims > 4) {
                throw ModelFormatException.of(file.path(), "tensor '" + name + "' has " + nDims + " dimensions (1 to 4 allowed)");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = r.i64("dimension " + d + " of tensor '" + name + "'");
                if (ne[d] <= 0 || ne[d] > (1L << 40)) {
                    throw ModelFormatException.of(file.path(), "tensor '" + name + "' has invalid dimension " + Long.toUnsignedString(ne[d]));
                }
            }
            int typeId = r.i32("type of tensor '" + name + "'");
            TensorType type = TensorType.ofGgmlId(typeId).orElseThrow(() ->
                    ModelFormatException.of(file.path(), "tensor '" + name + "' has unknown GGML type id " + typeId));
            long offset = r.i64("data offset of tensor '" + name + "'");
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = ne[nDims - 1 - d];
            }
            infos.add(new Info(name, shape, type, offset));
        }
        long dataStart = alignUp(r.position(), alignment);
        if (tensorCount > 0 && dataStart > file.size()) {
            throw ModelFormatException.of(file.path(), "truncated: tensor data would start at byte " + dataStart
                    + " but the file has " + file.size() + " bytes");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (Info info : infos) {
            long elements;
            long bytes;
            try {
                elements = Tensor.elementCount(info.shape);
                if (info.shape[info.shape.length - 1] % info.type.blockSize() != 0) {
                    throw ModelFormatException.of(file.path(), "tensor '" + info.name + "' of type " + info.type + " has rows of "
                            + info.shape[info.shape.length - 1] + " elements, not a multiple of the block size " + info.type.blockSize());
                }
                bytes = info.type.bytesFor(elements);
            } catch (ArithmeticException e) {
                throw ModelFormatException.of(file.path(), "tensor '" + info.name + "' is too large (size overflows)");
            }
            if (info.offset < 0 || info.offset % alignment != 0) {
                throw ModelFormatException.of(file.path(), "tensor '" + info.name + "' has data offset "
                        + Long.toUnsignedString(info.offset) + ", not a multiple of the alignment " + alignment);
            }
            long start = dataStart + info.offset;
            if (start < 0 || bytes > file.size() - start) {
                throw ModelFormatException.of(file.path(), "tensor '" + info.name + "' (" + bytes + " bytes at offset " + start
                        + ") extends past the end of the file (" + file.size() + " bytes): truncated or corrupt");
            }
            MemorySegment data = file.segment().asSlice(start, bytes);
            if (tensors.putIfAbsent(info.name, new Tensor(info.name, info.type, info.shape, data, file.path().toString())) != null) {
                throw ModelFormatException.of(file.path(), "duplicate tensor name '" + info.name + "'");
            }
            offsets.put(info.name, info.offset);
        }
        return new GgufFile(file, version, metadata, tensors, offsets, dataStart, alignment);
    }

    static long alignUp(long position, int alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }

    /** @return the GGUF version (2 or 3) */
    public int version() {
        return version;
    }

    /** @return the data alignment in bytes */
    public int alignment() {
        return alignment;
    }

    /** @return all metadata, in file order */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /**
     * @param key a metadata key
     * @return the value, or empty
     */
    public Optional<GgufValue> value(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /**
     * @param key a metadata key holding a string
     * @return the string, or empty if absent
     * @throws ModelFormatException if present but not a string
     */
    public Optional<String> string(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.value() instanceof String s) {
            return Optional.of(s);
        }
        throw ModelFormatException.of(path(), "metadata '" + key + "' should be a string but is " + v.type());
    }

    /**
     * @param key a metadata key holding an integer of any width
     * @return the value, or empty if absent
     * @throws ModelFormatException if present but not an integer
     */
    public Optional<Long> integer(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.value() instanceof Long l) {
            return Optional.of(l);
        }
        throw ModelFormatException.of(path(), "metadata '" + key + "' should be an integer but is " + v.type());
    }

    /**
     * @param key a metadata key holding a number
     * @return the value, or empty if absent
     * @throws ModelFormatException if present but not a number
     */
    public Optional<Double> number(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        return switch (v.value()) {
            case Float f -> Optional.of((double) f);
            case Double d -> Optional.of(d);
            case Long l -> Optional.of((double) l);
            default -> throw ModelFormatException.of(path(), "metadata '" + key + "' should be a number but is " + v.type());
        };
    }

    /**
     * @param key a metadata key
     * @return the array there, or empty if absent
     * @throws ModelFormatException if present but not an array
     */
    public Optional<GgufValue.Array> array(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v.value() instanceof GgufValue.Array a) {
            return Optional.of(a);
        }
        throw ModelFormatException.of(path(), "metadata '" + key + "' should be an array but is " + v.type());
    }

    /**
     * @param name a tensor name
     * @return the tensor's data offset relative to the data section, as stored in the file
     */
    public long dataOffset(String name) {
        Long o = tensorOffsets.get(name);
        if (o == null) {
            throw ModelFormatException.of(path(), "missing tensor '" + name + "'");
        }
        return o;
    }

    /** @return the byte offset where the tensor data section begins */
    public long dataStart() {
        return dataStart;
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

    /** Bounds-checked sequential reads from the mapped file. */
    private static final class Reader {
        private final MappedFile file;
        private final MemorySegment seg;
        private long pos;

        Reader(MappedFile file) {
            this.file = file;
            this.seg = file.segment();
        }

        long position() {
            return pos;
        }

        private void need(long bytes, String what) {
            if (bytes < 0 || bytes > seg.byteSize() - pos) {
                throw ModelFormatException.of(file.path(), "truncated file: reading " + what + " at byte " + pos
                        + " needs " + bytes + " bytes but the file has " + seg.byteSize());
            }
        }

        int i32(String what) {
            need(4, what);
            int v = seg.get(LittleEndian.INT, pos);
            pos += 4;
            return v;
        }

        long i64(String what) {
            need(8, what);
            long v = seg.get(LittleEndian.LONG, pos);
            pos += 8;
            return v;
        }

        /** A count whose items take at least {@code minBytesEach}: bounded by what remains. */
        long count(String what, long minBytesEach) {
            long n = i64(what);
            if (n < 0 || n > (seg.byteSize() - pos) / Math.max(1, minBytesEach)) {
                throw ModelFormatException.of(file.path(), what + " " + Long.toUnsignedString(n)
                        + " is impossible for a file of " + seg.byteSize() + " bytes (truncated or corrupt)");
            }
            return n;
        }

        String string(String what) {
            return string(what, -1);
        }

        /**
         * A string, or element {@code index} of the string array {@code what} (index -1: not an
         * element). The description is only built for an error: a 256k-token vocabulary is read
         * in this loop at every load.
         */
        String string(String what, long index) {
            if (8 > seg.byteSize() - pos) {
                need(8, "length of " + element(what, index));
            }
            long len = seg.get(LittleEndian.LONG, pos);
            pos += 8;
            if (len < 0 || len > seg.byteSize() - pos) {
                throw ModelFormatException.of(file.path(), "truncated file: " + element(what, index) + " claims "
                        + Long.toUnsignedString(len) + " bytes at byte " + pos + " of " + seg.byteSize());
            }
            if (len > Integer.MAX_VALUE - 8) {
                throw ModelFormatException.of(file.path(), element(what, index) + " is a string of " + len + " bytes: corrupt");
            }
            byte[] bytes = new byte[(int) len];
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, bytes, 0, bytes.length);
            pos += len;
            // Valid UTF-8 decodes the same either way; vocabularies occasionally hold pieces that
            // are not valid UTF-8, which keep readable with replacement characters.
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private static String element(String what, long index) {
            return index < 0 ? what : what + " element " + index;
        }

        Object value(GgufValueType type, String key, int depth) {
            String what = "metadata '" + key + "'";
            return switch (type) {
                case UINT8 -> { need(1, what); yield (long) (seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff); }
                case INT8 -> { need(1, what); yield (long) seg.get(ValueLayout.JAVA_BYTE, pos++); }
                case UINT16 -> { need(2, what); long v = seg.get(LittleEndian.SHORT, pos) & 0xffff; pos += 2; yield v; }
                case INT16 -> { need(2, what); long v = seg.get(LittleEndian.SHORT, pos); pos += 2; yield v; }
                case UINT32 -> Integer.toUnsignedLong(i32(what));
                case INT32 -> (long) i32(what);
                case UINT64, INT64 -> i64(what);
                case FLOAT32 -> Float.intBitsToFloat(i32(what));
                case FLOAT64 -> Double.longBitsToDouble(i64(what));
                case BOOL -> {
                    need(1, what);
                    byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
                    if (b != 0 && b != 1) {
                        throw ModelFormatException.of(file.path(), what + " is a bool with invalid byte " + b);
                    }
                    yield b == 1;
                }
                case STRING -> string(what);
                case ARRAY -> array(key, depth);
            };
        }

        private GgufValue.Array array(String key, int depth) {
            String what = "metadata '" + key + "'";
            if (depth > 8) {
                throw ModelFormatException.of(file.path(), what + " nests arrays deeper than 8 levels");
            }
            int typeId = i32("element type of " + what);
            GgufValueType type = GgufValueType.ofId(typeId);
            if (type == null) {
                throw ModelFormatException.of(file.path(), what + " is an array of unknown value type " + typeId);
            }
            long n = count("element count of " + what, type.size() > 0 ? type.size() : 8);
            int len = (int) n;
            if (n > Integer.MAX_VALUE - 8) {
                throw ModelFormatException.of(file.path(), what + " has too many elements: " + n);
            }
            return switch (type) {
                case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> {
                    need((long) type.size() * len, what);
                    long[] a = new long[len];
                    for (int i = 0; i < len; i++) {
                        long at = pos + (long) i * type.size();
                        a[i] = switch (type) {
                            case UINT8 -> seg.get(ValueLayout.JAVA_BYTE, at) & 0xff;
                            case INT8 -> seg.get(ValueLayout.JAVA_BYTE, at);
                            case UINT16 -> seg.get(LittleEndian.SHORT, at) & 0xffff;
                            case INT16 -> seg.get(LittleEndian.SHORT, at);
                            case UINT32 -> Integer.toUnsignedLong(seg.get(LittleEndian.INT, at));
                            case INT32 -> seg.get(LittleEndian.INT, at);
                            default -> seg.get(LittleEndian.LONG, at);
                        };
                    }
                    pos += (long) type.size() * len;
                    yield new GgufValue.Array(type, a);
                }
                case FLOAT32 -> {
                    need(4L * len, what);
                    float[] a = new float[len];
                    MemorySegment.copy(seg, LittleEndian.FLOAT, pos, a, 0, len);
                    pos += 4L * len;
                    yield new GgufValue.Array(type, a);
                }
                case FLOAT64 -> {
                    need(8L * len, what);
                    double[] a = new double[len];
                    MemorySegment.copy(seg, LittleEndian.DOUBLE, pos, a, 0, len);
                    pos += 8L * len;
                    yield new GgufValue.Array(type, a);
                }
                case BOOL -> {
                    boolean[] a = new boolean[len];
                    for (int i = 0; i < len; i++) {
                        a[i] = (Boolean) value(type, key, depth + 1);
                    }
                    yield new GgufValue.Array(type, a);
                }
                case STRING -> {
                    String[] a = new String[len];
                    for (int i = 0; i < len; i++) {
                        a[i] = string(what, i);
                    }
                    yield new GgufValue.Array(type, a);
                }
                case ARRAY -> {
                    List<GgufValue> a = new ArrayList<>(len);
                    for (int i = 0; i < len; i++) {
                        a.add(new GgufValue(GgufValueType.ARRAY, array(key, depth + 1)));
                    }
                    yield new GgufValue.Array(type, a);
                }
            };
        }
    }
}
