package dev.jgemma.chat.logs;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * A test-only SLF4J provider that keeps every log event in memory, so tests can check what the
 * library logs (registered in {@code META-INF/services}).
 */
public final class CapturingLogs implements SLF4JServiceProvider {

    /** One logged event. @param logger the logger name @param level the level @param message the formatted text */
    public record Event(String logger, Level level, String message) {
    }

    private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();

    /** @return every event logged so far in this JVM */
    public static List<Event> events() {
        return List.copyOf(EVENTS);
    }

    /** Forgets the events logged so far. */
    public static void clear() {
        EVENTS.clear();
    }

    private final ILoggerFactory factory = CapturingLogger::new;

    /** Called by SLF4J's service loader. */
    public CapturingLogs() {
    }
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class CapturingLogger extends LegacyAbstractLogger implements Logger {
        private static final long serialVersionUID = 1L;

        CapturingLogger(String name) {
            this.name = name;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
            EVENTS.add(new Event(name, level, MessageFormatter.basicArrayFormat(pattern, args)));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
