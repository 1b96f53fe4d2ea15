package dev.jgemma.core.format;

import java.util.Arrays;
import java.util.List;

/**
 * One GGUF metadata value with its declared type. Scalars are held as {@code Long} (every integer
 * type), {@code Float}, {@code Double}, {@code Boolean} or {@code String}; arrays as
 * {@link GgufValue.Array}.
 *
 * @param type the declared type
 * @param value the value
 */
public record GgufValue(GgufValueType type, Object value) {

    /**
     * An array value. Arrays of numbers are held as {@code long[]}, {@code float[]} or
     * {@code double[]}; of strings as {@code String[]}; of booleans as {@code boolean[]}; nested
     * arrays as a {@code List<GgufValue>}.
     *
     * @param elementType the declared element type
     * @param values the elements
     */
    public record Array(GgufValueType elementType, Object values) {
        /** @return the element count */
        public int length() {
            return switch (values) {
                case long[] a -> a.length;
                case float[] a -> a.length;
                case double[] a -> a.length;
                case String[] a -> a.length;
                case boolean[] a -> a.length;
                case List<?> l -> l.size();
                default -> throw new IllegalStateException();
            };
        }

        @Override
        public String toString() {
            int n = length();
            String head = switch (values) {
                case long[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(n, 8)));
                case float[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(n, 8)));
                case double[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(n, 8)));
                case String[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(n, 8)));
                case boolean[] a -> Arrays.toString(Arrays.copyOf(a, Math.min(n, 8)));
                case List<?> l -> l.subList(0, Math.min(n, 8)).toString();
                default -> "?";
            };
            return elementType + "[" + n + "] " + (n > 8 ? head.substring(0, head.length() - 1) + ", ...]" : head);
        }
    }

    @Override
    public String toString() {
        return value instanceof String s ? '"' + (s.length() > 80 ? s.substring(0, 77) + "..." : s) + '"' : String.valueOf(value);
    }
}
