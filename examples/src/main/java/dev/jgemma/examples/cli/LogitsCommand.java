package dev.jgemma.examples.cli;

import dev.jgemma.core.Gemma2Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** {@code gemma logits}: every position's logits, little-endian f32 {@code [tokens x vocab]}, no header. */
final class LogitsCommand implements Command {
    @Override
    public String name() {
        return "logits";
    }

    @Override
    public String summary() {
        return "run token ids in one pass and write every position's logits (raw f32)";
    }

    @Override
    public String usage() {
        return "usage: gemma logits --model <dir|file.gguf> --tokens 2,651,1234 --out FILE [--window N | --no-window]\n"
                + "  --model PATH       an HF checkpoint folder or a GGUF file\n"
                + "  --tokens IDS       comma-separated token ids\n"
                + "  --out FILE         little-endian float32, shape [tokens x vocab], no header\n"
                + ModelFlags.USAGE;
    }

    @Override
    public Set<String> valuedFlags() {
        return ModelFlags.valued("model", "tokens", "out");
    }

    @Override
    public Set<String> switches() {
        return ModelFlags.switches();
    }

    @Override
    public int run(Args args, PrintStream out, PrintStream err) throws IOException {
        Path modelPath = args.existing("model");
        int[] tokens = args.intList("tokens");
        Path target = Path.of(args.required("out")).toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), ".logits-", ".tmp");
        boolean done = false;
        try (Gemma2Model model = Gemma2Model.load(modelPath, ModelFlags.options(args));
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int vocab = model.config().vocabSize();
            ByteBuffer buf = ByteBuffer.allocate(vocab * 4).order(ByteOrder.LITTLE_ENDIAN);
            IOException[] failure = new IOException[1];
            model.newSession().prefill(tokens, (pos, row) -> {
                if (failure[0] != null) {
                    return;
                }
                buf.clear();
                buf.asFloatBuffer().put(row, 0, vocab);
                buf.limit(vocab * 4);
                try {
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            ch.force(false);
            done = true;
        } finally {
            if (done) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(tmp);
            }
        }
        err.println("wrote " + tokens.length + " rows to " + target);
        return 0;
    }
}
