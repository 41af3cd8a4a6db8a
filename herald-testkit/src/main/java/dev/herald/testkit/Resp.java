package dev.herald.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A minimal RESP2 client for test helpers: one command per connection, to a server on
 * {@code 127.0.0.1}. Replies are {@link String} (simple and bulk strings), {@link Long},
 * {@link List} or null; an error reply is thrown as {@link ErrorReply}. Thread-safe (stateless).
 */
final class Resp {

    private static final int TIMEOUT_MILLIS = 10_000;

    private Resp() {
    }

    /** An error reply such as {@code MOVED 866 127.0.0.1:7001}, without the leading {@code -}. */
    static final class ErrorReply extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ErrorReply(String message) {
            super(message);
        }
    }

    /**
     * Sends one command and reads its reply.
     *
     * @param port the server's port on 127.0.0.1
     * @param args the command and its arguments
     * @return the reply
     * @throws ErrorReply on an error reply
     * @throws UncheckedIOException if the server cannot be reached
     */
    static @Nullable Object call(int port, String... args) {
        return exchange(port, args, Resp::read);
    }

    /**
     * Sends one command to a server and reads its reply, after {@code AUTH} on the same
     * connection if the server requires a password.
     *
     * @param server a server on 127.0.0.1
     * @param args the command and its arguments
     * @return the reply
     * @throws ErrorReply on an error reply
     * @throws UncheckedIOException if the server cannot be reached
     */
    static @Nullable Object call(RedisServer server, String... args) {
        String password = server.password();
        return password == null ? call(server.port(), args)
                : callOnOneConnection(server.port(), new String[] {"AUTH", password}, args);
    }

    /** Like {@link #call(RedisServer, String...)} for a reply that is a string. */
    static String string(RedisServer server, String... args) {
        return String.valueOf(Objects.requireNonNull(call(server, args), () -> args[0] + " replied nil"));
    }

    /**
     * Sends commands one after the other on one connection, for those whose meaning depends on
     * the connection (a {@code WAIT} covers the writes of its own connection only).
     *
     * @param port the server's port on 127.0.0.1
     * @param commands each command with its arguments
     * @return the last command's reply
     * @throws ErrorReply on an error reply to any of them
     * @throws UncheckedIOException if the server cannot be reached
     */
    static @Nullable Object callOnOneConnection(int port, String[]... commands) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
            Object reply = null;
            for (String[] command : commands) {
                out.write(encode(command));
                out.flush();
                reply = read(in);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends one command and returns the first line of its reply as it is, such as {@code +PONG},
     * {@code $-1} or {@code -NOAUTH ...}; an error reply is returned, not thrown.
     *
     * @param port the server's port on 127.0.0.1
     * @param args the command and its arguments
     * @return the first line, without its CRLF
     * @throws UncheckedIOException if the server cannot be reached
     */
    static String firstLine(int port, String... args) {
        return (String) Objects.requireNonNull(exchange(port, args, Resp::line));
    }

    private interface Reader {
        @Nullable Object read(InputStream in) throws IOException;
    }

    private static @Nullable Object exchange(int port, String[] args, Reader reader) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return reader.read(new BufferedInputStream(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("127.0.0.1:" + port + " " + args[0] + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #call} for a reply that is a string. */
    static String string(int port, String... args) {
        return String.valueOf(Objects.requireNonNull(call(port, args), () -> args[0] + " replied nil"));
    }

    private static byte[] encode(String... args) {
        StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            cmd.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return cmd.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(length + 2);
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<@Nullable Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: type " + type + ", line " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
