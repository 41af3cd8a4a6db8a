package dev.herald.cli;

import dev.herald.DeadLetter;
import dev.herald.DeadLetterQueue;
import dev.herald.EventBus;
import dev.herald.redis.RedisEventBus;
import dev.herald.redis.RedisKeys;
import io.lettuce.core.RedisCommandExecutionException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code herald dlq list|show|replay|delete|purge}: the dead letters that services left in Redis
 * (the stream {@code <prefix>:dlq}), read through the same {@link DeadLetterQueue} a bus offers.
 * The command never starts a bus and subscribes to nothing.
 *
 * <p>{@code replay} publishes the dead letter's message again, byte for byte (same event id), on
 * its type's channel ({@code --mode pubsub}) or stream ({@code --mode streams}), and deletes the
 * dead letter once Redis took it. Unlike {@code bus.deadLetters().replay(id)} in the service,
 * which hands the event to the one handler that failed, this reaches every handler subscribed to
 * the type: handlers must be idempotent (or wrapped in {@code Deduplication}). In Pub/Sub mode
 * a message nobody received keeps its dead letter. The type is the dead letter's, else the
 * {@code type} of its message when that is a CloudEvent; a message that is none, a type that is
 * not valid or reserved, and a message cut to the raw-size limit cannot be replayed.
 */
final class DeadLetterCommand {

    static final String USAGE = "dlq list [--limit N] | show ID | replay ID [--mode pubsub|streams] | delete ID | purge --yes, "
            + "each with [--redis URI] [--prefix PREFIX] [--timeout DURATION]";

    private final PrintStream out;

    DeadLetterCommand(PrintStream out) {
        this.out = out;
    }

    /** Runs {@code dlq ...}; bad arguments throw IllegalArgumentException with what would be right. */
    int run(String[] args, Map<String, String> environment) throws InterruptedException {
        CommandLine line = CommandLine.parse(args, USAGE,
                RedisOptions.and(Map.of("--limit", "a number of dead letters, from 1 to 10000")), Set.of("--yes"));
        RedisOptions redis = new RedisOptions(line, environment);
        int limit = Arguments.wholeNumber(line.value("--limit", "20"), 1, 10_000, "--limit");
        boolean yes = line.flag("--yes");
        List<String> words = line.words();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("dlq needs a subcommand; usage: herald " + USAGE);
        }
        String sub = words.get(0);
        switch (sub) {
            case "list", "purge" -> expectArguments(words, 0);
            case "show", "delete", "replay" -> expectArguments(words, 1);
            default -> throw new IllegalArgumentException("unknown dlq subcommand '" + sub + "'; usage: herald " + USAGE);
        }
        if (sub.equals("purge") && !yes) {
            throw new IllegalArgumentException("dlq purge deletes every dead letter under prefix '" + redis.prefix()
                    + "' for good: add --yes to confirm");
        }
        return RedisFailure.explained(redis.target(), () -> {
            try (RedisEventBus bus = redis.builder().build()) {
                DeadLetterQueue letters = bus.deadLetters();
                return switch (sub) {
                    case "list" -> list(letters, limit);
                    case "show" -> show(letters, words.get(1), redis.prefix());
                    case "delete" -> delete(letters, words.get(1), redis.prefix());
                    case "replay" -> replay(letters, words.get(1), redis);
                    default -> purge(letters, redis.prefix());
                };
            }
        });
    }

    private int list(DeadLetterQueue letters, int limit) {
        List<DeadLetter> oldest = letters.list(limit);
        long size = letters.size();
        out.println(size + " dead letter(s)" + (oldest.size() < size ? ", the oldest " + oldest.size() : "")
                + (oldest.isEmpty() ? "" : ":"));
        for (DeadLetter d : oldest) {
            out.printf("%s  %s  %s  type=%s  handler=%s  attempts=%d  %s%n", d.id(), d.lastFailure(), d.reason(),
                    orDash(d.eventType()), orDash(d.handler()), d.attempts(), d.error());
        }
        return 0;
    }

    private int show(DeadLetterQueue letters, String id, String prefix) {
        Optional<DeadLetter> found = letters.get(id);
        if (found.isEmpty()) {
            return notFound(id, prefix);
        }
        DeadLetter d = found.get();
        out.println("id:            " + d.id());
        out.println("reason:        " + d.reason());
        out.println("event type:    " + orDash(d.eventType()));
        out.println("event id:      " + orDash(d.eventId()));
        out.println("handler:       " + orDash(d.handler()));
        out.println("attempts:      " + d.attempts());
        out.println("first failure: " + d.firstFailure());
        out.println("last failure:  " + d.lastFailure());
        out.println("error:         " + d.error());
        if (d.stackTrace() != null) {
            out.println("stack trace:");
            out.println(d.stackTrace());
        }
        out.println("message (" + d.rawMessage().length + " bytes):");
        out.println(new String(d.rawMessage(), StandardCharsets.UTF_8));
        return 0;
    }

    private int delete(DeadLetterQueue letters, String id, String prefix) {
        if (!letters.delete(id)) {
            return notFound(id, prefix);
        }
        out.println("deleted dead letter " + id);
        return 0;
    }

    /** Whether any consumer group reads the stream; false when the stream does not exist either. */
    private static boolean hasConsumerGroups(RedisDeployment.Connection c, String stream) {
        try {
            return !c.sync().xinfoGroups(bytes(stream)).isEmpty();
        } catch (RedisCommandExecutionException noSuchStream) { // "ERR no such key"
            return false;
        }
    }

    private int replay(DeadLetterQueue letters, String id, RedisOptions redis) {
        String prefix = redis.prefix();
        Optional<DeadLetter> found = letters.get(id);
        if (found.isEmpty()) {
            return notFound(id, prefix);
        }
        DeadLetter letter = found.get();
        if (letter.truncated()) {
            out.println("dead letter " + id + " (" + letter.reason() + ") keeps only the first " + letter.rawMessage().length
                    + " of its " + letter.rawMessageLength() + " bytes, so it cannot be replayed; publish the event again"
                    + " from its source, within the size limit");
            return 1;
        }
        String type = letter.eventType();
        if (type == null) { // a dead letter without a type: the message itself may name it
            try {
                type = RawCloudEvent.parse(letter.rawMessage()).type();
            } catch (IllegalArgumentException notACloudEvent) {
                out.println("dead letter " + id + " (" + letter.reason() + ") has no event type, and its message is "
                        + notACloudEvent.getMessage() + ", so there is no channel or stream to replay it to; read it with: "
                        + "herald dlq show " + id + ", then publish a corrected event with: herald publish");
                return 1;
            }
        }
        try {
            EventBus.checkEventType(type);
        } catch (IllegalArgumentException badType) {
            out.println("dead letter " + id + " (" + letter.reason() + ") cannot be replayed: " + badType.getMessage());
            return 1;
        }
        try (RedisDeployment deployment = redis.deployment(); RedisDeployment.Connection c = deployment.connect()) {
            if (redis.mode() == RedisEventBus.Mode.STREAMS) {
                String stream = RedisKeys.stream(redis.prefix(), type);
                if (!hasConsumerGroups(c, stream)) {
                    out.println("no consumer group reads " + stream + " yet: dead letter " + id + " is kept (a group"
                            + " created later starts at new events and would never read it; start the service in"
                            + " Streams mode first, which creates its groups, then replay)");
                    return 1;
                }
                String entry = c.sync().xadd(bytes(stream), bytes(RedisKeys.STREAM_FIELD), letter.rawMessage());
                out.println("replayed dead letter " + id + " to stream " + stream + " as entry " + entry
                        + ": every consumer group of the stream (every handler of every service) reads it");
            } else {
                String channel = RedisKeys.channel(redis.prefix(), type);
                long receivers = deployment.publish(c, channel, letter.rawMessage());
                if (receivers == 0) {
                    out.println("nobody is subscribed to " + channel + " now: dead letter " + id + " is kept (start the "
                            + "service, or replay it in Streams mode with --mode streams)");
                    return 1;
                }
                out.println("replayed dead letter " + id + " to channel " + channel + ": " + receivers
                        + " subscribed connection(s) received it, each for every handler of the type"
                        + " (a running herald tail counts as one)");
            }
        }
        letters.delete(id);
        return 0;
    }

    private int notFound(String id, String prefix) {
        String under = prefix.equals(RedisEventBus.Builder.DEFAULT_PREFIX) ? "" : " --prefix " + prefix;
        out.println("no dead letter with id '" + id + "' under prefix '" + prefix + "' (ids are listed by: herald dlq list"
                + under + ")");
        return 1;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private int purge(DeadLetterQueue letters, String prefix) {
        out.println("deleted " + letters.purge() + " dead letter(s) under prefix '" + prefix + "'");
        return 0;
    }

    private static void expectArguments(List<String> words, int count) {
        if (words.size() - 1 != count) {
            throw new IllegalArgumentException("dlq " + words.get(0) + (count == 0 ? " takes no argument" : " takes one dead-letter id")
                    + " but got " + (words.size() - 1) + "; usage: herald " + USAGE);
        }
    }

    private static String orDash(@Nullable String value) {
        return value == null ? "-" : value;
    }
}
