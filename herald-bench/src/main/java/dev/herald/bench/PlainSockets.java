package dev.herald.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * The {@code sockets} variant: no client library at all. Two blocking sockets with TCP_NODELAY;
 * the publisher writes each PUBLISH (RESP written by hand) and flushes it at once, a thread reads
 * its replies and frees the window; a subscriber thread reads the messages. What any Java client
 * on this machine stands on: its latency is the floor set by the kernel, Redis and the machine.
 * Not thread-safe: one publisher thread.
 */
final class PlainSockets implements AutoCloseable {

    private final Socket publisher;
    private final Socket subscriber;
    private final OutputStream out;
    private final byte[] channel;

    PlainSockets(String uri, String channelName, Tracker tracker) throws IOException {
        URI parsed = URI.create(uri);
        this.channel = channelName.getBytes(StandardCharsets.US_ASCII);
        subscriber = connect(parsed);
        subscriber.getOutputStream().write(command("SUBSCRIBE".getBytes(StandardCharsets.US_ASCII), channel));
        subscriber.getOutputStream().flush();
        DataInputStream messages = new DataInputStream(new BufferedInputStream(subscriber.getInputStream(), 1 << 16));
        skipReply(messages); // the subscription's confirmation: [subscribe, channel, 1]
        Thread reading = new Thread(() -> {
            try {
                while (true) {
                    skipLine(messages); // *3
                    skipReply(messages); // "message"
                    skipReply(messages); // the channel
                    int length = Integer.parseInt(line(messages).substring(1));
                    byte[] body = new byte[length];
                    messages.readFully(body);
                    skipLine(messages);
                    tracker.record(Payloads.number(body, Payloads.SEQ), Payloads.number(body, Payloads.SENT));
                }
            } catch (IOException | RuntimeException e) {
                // closed at the end of the run
            }
        }, "sockets-subscriber");
        reading.setDaemon(true);
        reading.start();
        publisher = connect(parsed);
        out = publisher.getOutputStream();
    }

    private static Socket connect(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** A sender whose every PUBLISH goes out at once; each reply frees one place in the window. */
    E2e.Sender sender(String pad) throws IOException {
        InputStream replies = new BufferedInputStream(publisher.getInputStream(), 1 << 16);
        Semaphore[] window = new Semaphore[1];
        Thread reading = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(replies);
                while (true) {
                    skipLine(in); // :<subscribers>
                    window[0].release();
                }
            } catch (IOException | RuntimeException e) {
                // closed at the end of the run
            }
        }, "sockets-replies");
        reading.setDaemon(true);
        return (seq, sentNanos, w) -> {
            if (window[0] == null) {
                window[0] = w;
                reading.start();
            }
            out.write(command("PUBLISH".getBytes(StandardCharsets.US_ASCII), channel, Payloads.rawBytes(seq, sentNanos, pad)));
            out.flush();
        };
    }

    private static byte[] command(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] part : parts) {
            b.writeBytes(("$" + part.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(part);
            b.writeBytes(new byte[] {'\r', '\n'});
        }
        return b.toByteArray();
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException();
            }
            s.append((char) c);
        }
        in.read(); // \n
        return s.toString();
    }

    private static void skipLine(DataInputStream in) throws IOException {
        line(in);
    }

    /** Skips one RESP reply of the kinds SUBSCRIBE and PUBLISH answer with: arrays, bulk strings, integers. */
    private static void skipReply(DataInputStream in) throws IOException {
        String head = line(in);
        if (head.startsWith("*")) {
            for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
                skipReply(in);
            }
        } else if (head.startsWith("$")) {
            in.skipNBytes(Integer.parseInt(head.substring(1)) + 2L);
        }
    }

    @Override
    public void close() throws IOException {
        publisher.close();
        subscriber.close();
    }
}
