package dev.herald.memory;

import dev.herald.DeadLetter;
import dev.herald.spi.DeadLetterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters in memory, oldest first (their ids are time-ordered UUIDs). Bounded: past the
 * retention limit the oldest is dropped with a warning. Thread-safe.
 */
final class InMemoryDeadLetterStore implements DeadLetterStore {

    private static final Logger log = LoggerFactory.getLogger(InMemoryDeadLetterStore.class);

    private final ConcurrentSkipListMap<String, DeadLetter> letters = new ConcurrentSkipListMap<>();
    private final int retention;

    InMemoryDeadLetterStore(int retention) {
        this.retention = retention;
    }

    @Override
    public DeadLetter add(DeadLetter deadLetter) {
        letters.put(deadLetter.id(), deadLetter);
        while (letters.size() > retention) {
            Map.Entry<String, DeadLetter> oldest = letters.pollFirstEntry();
            if (oldest != null) {
                log.warn("Dead-letter retention of {} reached: dropped the oldest, {}", retention, oldest.getValue());
            }
        }
        return deadLetter;
    }

    @Override
    public List<DeadLetter> list(int limit) {
        List<DeadLetter> out = new ArrayList<>(Math.min(limit, letters.size()));
        for (DeadLetter letter : letters.values()) {
            if (out.size() >= limit) {
                break;
            }
            out.add(letter);
        }
        return out;
    }

    @Override
    public Optional<DeadLetter> get(String id) {
        return Optional.ofNullable(letters.get(id));
    }

    @Override
    public boolean delete(String id) {
        return letters.remove(id) != null;
    }

    @Override
    public long size() {
        return letters.size();
    }

    @Override
    public long purge() {
        long n = 0;
        while (letters.pollFirstEntry() != null) {
            n++;
        }
        return n;
    }
}
