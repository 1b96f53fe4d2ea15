package dev.jgemma.chat;

import dev.jgemma.core.sampling.SamplingParameters;
import dev.jgemma.tokenizer.GemmaTokenizer;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;

/**
 * The saved-conversation JSON format, and plain message lists.
 *
 * <pre>{@code
 * {
 *   "format" : "jgemma-conversation",
 *   "version" : 1,
 *   "system" : "Be brief.",
 *   "settings" : { "temperature" : 0.7, "topK" : 0, "topP" : 1.0, "minP" : 0.0, "repetitionPenalty" : 1.0,
 *                  "seed" : 42, "maxTokens" : 1024, "stopStrings" : [ ], "logitBias" : { "107" : -2.0 },
 *                  "overflowPolicy" : "FAIL" },
 *   "messages" : [ { "role" : "user", "content" : "Hi" },
 *                  { "role" : "model", "content" : " Hello!", "tokens" : [ 25957, 235341 ] } ]
 * }
 * }</pre>
 *
 * A model message's {@code tokens} are the reply exactly as generated, so a restored conversation
 * continues exactly as the saved one would; they must decode to the content (edit a saved reply
 * by removing its tokens: the text is then encoded as the chat template renders it). A bare JSON
 * array of {@code {"role", "content"}} objects is also accepted, with roles user, model or
 * assistant, and system (first only).
 */
final class ConversationJson {
    static final String FORMAT = "jgemma-conversation";
    static final int VERSION = 1;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private ConversationJson() {
    }

    // ---------------------------------------------------------------- writing

    static String write(String system, GenerationSettings s, OverflowPolicy overflow, List<History.Turn> turns) {
        StringWriter out = new StringWriter();
        ObjectWriteContext pretty = new ObjectWriteContext.Base() {
            @Override
            public PrettyPrinter getPrettyPrinter() {
                return new DefaultPrettyPrinter();
            }

            @Override
            public boolean hasPrettyPrinter() {
                return true;
            }
        };
        try (JsonGenerator g = FACTORY.createGenerator(pretty, out)) {
            g.writeStartObject();
            g.writeStringProperty("format", FORMAT);
            g.writeNumberProperty("version", VERSION);
            if (system != null) {
                g.writeStringProperty("system", system);
            }
            g.writeName("settings");
            writeSettings(g, s, overflow);
            g.writeName("messages");
            g.writeStartArray();
            for (History.Turn t : turns) {
                g.writeStartObject();
                g.writeStringProperty("role", t.message().role().jsonName());
                g.writeStringProperty("content", t.message().content());
                if (t.replyTokens() != null) {
                    g.writeName("tokens");
                    g.writeStartArray();
                    for (int id : t.replyTokens()) {
                        g.writeNumber(id);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return out.toString();
    }

    private static void writeSettings(JsonGenerator g, GenerationSettings s, OverflowPolicy overflow) {
        SamplingParameters p = s.sampling();
        g.writeStartObject();
        g.writeNumberProperty("temperature", p.temperature());
        g.writeNumberProperty("topK", p.topK());
        g.writeNumberProperty("topP", p.topP());
        g.writeNumberProperty("minP", p.minP());
        g.writeNumberProperty("repetitionPenalty", p.repetitionPenalty());
        if (s.seed().isPresent()) {
            g.writeNumberProperty("seed", s.seed().getAsLong());
        }
        g.writeNumberProperty("maxTokens", s.maxTokens());
        g.writeName("stopStrings");
        g.writeStartArray();
        for (String stop : s.stopStrings()) {
            g.writeString(stop);
        }
        g.writeEndArray();
        g.writeName("logitBias");
        g.writeStartObject();
        for (Map.Entry<Integer, Float> e : p.logitBias().entrySet()) {
            g.writeName(e.getKey().toString());
            if (e.getValue() == Float.NEGATIVE_INFINITY) {
                g.writeString("-Infinity");
            } else {
                g.writeNumber(e.getValue());
            }
        }
        g.writeEndObject();
        g.writeStringProperty("overflowPolicy", overflow.name());
        g.writeEndObject();
    }

    // ---------------------------------------------------------------- reading

    /** Restores a conversation from {@link #write} output or a bare message array. */
    static Conversation restore(Gemma gemma, String json) {
        Object root = parse(json);
        Conversation c = gemma.chat();
        List<?> messages;
        if (root instanceof List<?> list) {
            messages = list;
        } else if (root instanceof Map<?, ?> map) {
            Object format = map.get("format");
            if (!FORMAT.equals(format)) {
                throw new ConversationFormatException("\"format\" should be \"" + FORMAT + "\", found " + describe(format));
            }
            Object version = map.get("version");
            if (!(version instanceof Long v) || v != VERSION) {
                throw new ConversationFormatException("\"version\" should be " + VERSION + ", found " + describe(version)
                        + " (this jgemma reads version " + VERSION + ")");
            }
            for (Object key : map.keySet()) {
                if (!List.of("format", "version", "system", "settings", "messages").contains(key)) {
                    throw new ConversationFormatException("unknown field \"" + key + "\"");
                }
            }
            if (map.containsKey("system")) {
                c.system(string(map.get("system"), "system"));
            }
            if (map.containsKey("settings")) {
                readSettings(c, object(map.get("settings"), "settings"));
            }
            messages = list(map.get("messages"), "messages");
        } else {
            throw new ConversationFormatException("expected a saved conversation (a JSON object) or an array of messages, found "
                    + describe(root));
        }
        restoreMessages(c, gemma.tokenizer(), messages);
        return c;
    }

    private static void restoreMessages(Conversation c, GemmaTokenizer tokenizer, List<?> messages) {
        Message.Role expected = Message.Role.USER;
        for (int i = 0; i < messages.size(); i++) {
            String where = "messages[" + i + "]";
            Map<?, ?> m = object(messages.get(i), where);
            Message message = message(m, where);
            if (message.role() == Message.Role.SYSTEM) {
                if (i != 0) {
                    throw new ConversationFormatException(where + ": a system message can only come first");
                }
                c.system(message.content());
                continue;
            }
            if (message.role() != expected) {
                throw new ConversationFormatException(where + ": a " + expected.jsonName() + " message should come here, found a "
                        + message.role().jsonName() + " message (user and model messages alternate, starting with user)");
            }
            expected = expected == Message.Role.USER ? Message.Role.MODEL : Message.Role.USER;
            int[] tokens = null;
            if (m.containsKey("tokens")) {
                if (message.role() != Message.Role.MODEL) {
                    throw new ConversationFormatException(where + ": only model messages carry \"tokens\"");
                }
                tokens = tokens(m.get("tokens"), where + ".tokens", tokenizer);
                String decoded = tokenizer.decode(tokens, true);
                if (!decoded.equals(message.content())) {
                    throw new ConversationFormatException(where + ": \"tokens\" decode to " + quote(decoded) + ", not to the content "
                            + quote(message.content()) + "; if the content was edited, remove \"tokens\"");
                }
            }
            c.appendTurn(message, tokens);
        }
        if (expected == Message.Role.MODEL) {
            throw new ConversationFormatException("the messages end with a user message; a saved conversation ends with a reply");
        }
    }

    /** Reads a bare array of messages (no alternation rule). */
    static List<Message> readMessageList(String json) {
        Object root = parse(json);
        List<?> list = list(root, "the message list");
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "[" + i + "]";
            Map<?, ?> m = object(list.get(i), where);
            for (Object key : m.keySet()) {
                if (!key.equals("role") && !key.equals("content")) {
                    throw new ConversationFormatException(where + ": unknown field \"" + key + "\" (a message has role and content)");
                }
            }
            out.add(message(m, where));
        }
        return List.copyOf(out);
    }

    private static Message message(Map<?, ?> m, String where) {
        for (Object key : m.keySet()) {
            if (!List.of("role", "content", "tokens").contains(key)) {
                throw new ConversationFormatException(where + ": unknown field \"" + key + "\"");
            }
        }
        String role = string(m.get("role"), where + ".role");
        String content = string(m.get("content"), where + ".content");
        try {
            return new Message(Message.Role.parse(role), content);
        } catch (IllegalArgumentException e) {
            throw new ConversationFormatException(where + ".role: " + e.getMessage(), e);
        }
    }

    private static int[] tokens(Object value, String where, GemmaTokenizer tokenizer) {
        List<?> list = list(value, where);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long id) || id < 0 || id >= tokenizer.vocabularySize()) {
                throw new ConversationFormatException(where + "[" + i + "]: expected a token id in [0, " + tokenizer.vocabularySize()
                        + "), found " + describe(list.get(i)));
            }
            out[i] = (int) (long) id;
        }
        return out;
    }

    private static void readSettings(Conversation c, Map<?, ?> s) {
        for (Map.Entry<?, ?> e : s.entrySet()) {
            String key = (String) e.getKey();
            String where = "settings." + key;
            Object v = e.getValue();
            try {
                switch (key) {
                    case "temperature" -> c.temperature(number(v, where));
                    case "topK" -> c.topK(Math.toIntExact(integer(v, where)));
                    case "topP" -> c.topP(number(v, where));
                    case "minP" -> c.minP(number(v, where));
                    case "repetitionPenalty" -> c.repetitionPenalty(number(v, where));
                    case "seed" -> c.seed(integer(v, where));
                    case "maxTokens" -> c.maxTokens(Math.toIntExact(integer(v, where)));
                    case "stopStrings" -> {
                        List<String> stops = new ArrayList<>();
                        List<?> list = list(v, where);
                        for (int i = 0; i < list.size(); i++) {
                            stops.add(string(list.get(i), where + "[" + i + "]"));
                        }
                        c.stopStrings(stops.toArray(String[]::new));
                    }
                    case "logitBias" -> {
                        Map<Integer, Float> bias = new LinkedHashMap<>();
                        for (Map.Entry<?, ?> b : object(v, where).entrySet()) {
                            String id = (String) b.getKey();
                            Object amount = b.getValue();
                            float f = "-Infinity".equals(amount) ? Float.NEGATIVE_INFINITY : (float) number(amount, where + "." + id);
                            try {
                                bias.put(Integer.parseInt(id), f);
                            } catch (NumberFormatException nfe) {
                                throw new ConversationFormatException(where + ": key \"" + id + "\" is not a token id");
                            }
                        }
                        c.logitBias(bias);
                    }
                    case "overflowPolicy" -> {
                        String name = string(v, where);
                        try {
                            c.overflowPolicy(OverflowPolicy.valueOf(name));
                        } catch (IllegalArgumentException iae) {
                            throw new ConversationFormatException(where + ": unknown policy \"" + name + "\" (FAIL or DROP_OLDEST)");
                        }
                    }
                    default -> throw new ConversationFormatException("unknown setting \"" + key + "\"");
                }
            } catch (ArithmeticException | IllegalArgumentException ex) {
                if (ex instanceof ConversationFormatException) {
                    throw ex;
                }
                throw new ConversationFormatException(where + ": " + ex.getMessage(), ex);
            }
        }
    }

    // ---------------------------------------------------------------- a small tree reader

    /** Parses JSON into maps, lists, strings, longs, doubles, booleans and nulls. */
    static Object parse(String json) {
        if (json == null) {
            throw new ConversationFormatException("the JSON text must not be null");
        }
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new ConversationFormatException("the JSON text is empty");
            }
            Object value = value(p);
            if (p.nextToken() != null) {
                throw new ConversationFormatException("unexpected text after the JSON value at " + p.currentTokenLocation());
            }
            return value;
        } catch (JacksonException e) {
            throw new ConversationFormatException("malformed JSON: " + e.getOriginalMessage() + " at "
                    + (e.getLocation() == null ? "?" : "line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()), e);
        }
    }

    private static Object value(JsonParser p) {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, value(p));
                }
                yield m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                yield l;
            }
            case VALUE_STRING -> p.getString();
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? (Object) p.getDoubleValue()
                    : (Object) p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new ConversationFormatException("unexpected JSON token " + t + " at " + p.currentTokenLocation());
        };
    }

    private static Map<?, ?> object(Object v, String where) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw new ConversationFormatException(where + ": expected an object, found " + describe(v));
    }

    private static List<?> list(Object v, String where) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new ConversationFormatException(where + ": expected an array, found " + describe(v));
    }

    private static String string(Object v, String where) {
        if (v instanceof String s) {
            return s;
        }
        throw new ConversationFormatException(where + ": expected a string, found " + describe(v));
    }

    private static double number(Object v, String where) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d;
        }
        throw new ConversationFormatException(where + ": expected a number, found " + describe(v));
    }

    private static long integer(Object v, String where) {
        if (v instanceof Long l) {
            return l;
        }
        throw new ConversationFormatException(where + ": expected an integer, found " + describe(v));
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "nothing (null or missing)";
            case String s -> "the string " + quote(s);
            case Map<?, ?> _ -> "an object";
            case List<?> _ -> "an array";
            default -> Objects.toString(v);
        };
    }

    private static String quote(String s) {
        return '"' + (s.length() > 60 ? s.substring(0, 57) + "..." : s) + '"';
    }
}
