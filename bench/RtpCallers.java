import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Bench callers without SIPp's cost: N calls placed over UDP from one SIP socket, and their audio sent from
 * one RTP socket by one thread, each call's packets spread evenly over the 20 ms tick. SIPp streams a
 * call's audio from a thread of its own (and its pcap replay, the only way it sends Opus, sleeps per
 * packet), which took half a core for 500 Opus callers and left the bridge less than the machine has. The
 * bridge's audio back is not read (tcpdump measures it); the sockets' small buffers drop it.
 *
 * <pre>
 *   java bench/RtpCallers.java --bridge 127.0.0.1:5060 --sip-port 5070 --rtp-port 40000 --codec opus
 *       --inf hold.csv --rate 200 --talk caller-opus.pcap [--quiet caller-opus-noise.pcap] [--loss PERCENT]
 *       --json out.json
 * </pre>
 *
 * Each line of {@code --inf} after the first ({@code SEQUENTIAL}, as SIPp's) is one call: {@code hold_ms;
 * conference ID[;1 when it talks]}. Call {@code i} is placed at {@code i / rate} s, holds, then sends BYE. A
 * talker sends the frames of {@code --talk}, the others those of {@code --quiet} (or {@code --talk} when
 * not given): the RTP payloads of a pcap (Opus, from bench/OpusPcap.java) or the data of a WAV file cut
 * into 160-byte frames (G.711 μ-law from gen_audio.py, G.722 from bench/G722Wav.java). In-dialog OPTIONS
 * (the bridge's keepalive) are answered 200. Writes {@code {"successful", "failed", ...}} to {@code --json}
 * when every call has ended, or when interrupted (SIGINT/SIGTERM from run.sh's timeout).
 */
public final class RtpCallers {
    private static final long TICK_NS = 20_000_000L;
    private static final long T1_MS = 500;
    private static final long T2_MS = 4000;
    private static final long GIVE_UP_MS = 32_000;

    enum Codec {
        PCMU(0, "a=rtpmap:0 PCMU/8000", 160),
        G722(9, "a=rtpmap:9 G722/8000", 160),
        OPUS(96, "a=rtpmap:96 opus/48000/2\r\na=fmtp:96 useinbandfec=1", 960);

        final int payloadType;
        final String rtpmap;
        final int timestampStep;

        Codec(int payloadType, String rtpmap, int timestampStep) {
            this.payloadType = payloadType;
            this.rtpmap = rtpmap;
            this.timestampStep = timestampStep;
        }
    }

    /** One call's signalling state and RTP counters; written by the SIP threads, read by the sender. */
    static final class Call {
        static final int NEW = 0, INVITING = 1, ESTABLISHED = 2, LEAVING = 3, DONE = 4, FAILED = 5;

        final int index;
        final long holdMs;
        final String conference;
        final boolean talks;
        volatile int state = NEW;
        volatile InetSocketAddress media;
        volatile String toTag;
        long nextSendMs;
        /** When this transaction's request was first sent, and the wait before its next retransmission. */
        long firstSentMs;
        long intervalMs;
        int sequence;
        int timestamp;
        int frame;
        String failure;

        Call(int index, long holdMs, String conference, boolean talks) {
            this.index = index;
            this.holdMs = holdMs;
            this.conference = conference;
            this.talks = talks;
            this.sequence = index * 7919;
            this.timestamp = index * 104_729;
        }
    }

    private final InetSocketAddress bridge;
    private final String localHost;
    private final int sipPort;
    private final int rtpPort;
    private final Codec codec;
    private final List<Call> calls;
    private final double rate;
    private final List<byte[]> talkFrames;
    private final List<byte[]> quietFrames;
    /** Share of audio packets not sent, at random (a seeded generator: the same losses each run). */
    private final double loss;
    private final java.util.SplittableRandom lossDraw = new java.util.SplittableRandom(3550);
    private final AtomicLong rtpDropped = new AtomicLong();
    private final DatagramChannel sip;
    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong rtpSent = new AtomicLong();
    private final AtomicLong lateTicks = new AtomicLong();
    private final AtomicLong optionsAnswered = new AtomicLong();
    private final AtomicLong byesFromBridge = new AtomicLong();
    private final String runId = Long.toString(ProcessHandle.current().pid());
    private volatile boolean stopping;

    RtpCallers(InetSocketAddress bridge, int sipPort, int rtpPort, Codec codec, List<Call> calls, double rate,
               List<byte[]> talkFrames, List<byte[]> quietFrames, double loss) throws IOException {
        this.loss = loss;
        this.bridge = bridge;
        this.localHost = bridge.getAddress().getHostAddress();
        this.sipPort = sipPort;
        this.rtpPort = rtpPort;
        this.codec = codec;
        this.calls = calls;
        this.rate = rate;
        this.talkFrames = talkFrames;
        this.quietFrames = quietFrames;
        this.sip = bind(sipPort, 4 << 20);
        this.rtp = bind(rtpPort, 16 << 10);
        this.rtcp = bind(rtpPort + 1, 16 << 10);
    }

    private DatagramChannel bind(int port, int receiveBuffer) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(new InetSocketAddress(localHost, port));
        return channel;
    }

    // ---- signalling: placing, holding and ending the calls (one thread), answers and requests (another) ----

    private void signal() throws InterruptedException {
        long start = System.currentTimeMillis();
        int placed = 0;
        while (finished.get() < calls.size() && !stopping) {
            long now = System.currentTimeMillis();
            while (placed < calls.size() && now - start >= (long) (placed * 1000.0 / rate)) {
                Call call = calls.get(placed++);
                synchronized (call) {
                    begin(call, Call.INVITING, now);
                }
            }
            for (int i = 0; i < placed; i++) {
                Call call = calls.get(i);
                synchronized (call) {
                    step(call, now);
                }
            }
            Thread.sleep(5);
        }
    }

    /** Retransmissions (RFC 3261 timers A and E, doubling from T1 up to T2), the hold's end, giving up. */
    private void step(Call call, long now) {
        switch (call.state) {
            case Call.INVITING, Call.LEAVING -> {
                if (now - call.firstSentMs > GIVE_UP_MS) {
                    fail(call, call.state == Call.INVITING ? "no final answer to INVITE" : "no answer to BYE");
                } else if (now >= call.nextSendMs) {
                    send(request(call));
                    call.intervalMs = Math.min(T2_MS, 2 * call.intervalMs);
                    call.nextSendMs = now + call.intervalMs;
                }
            }
            case Call.ESTABLISHED -> {
                if (now >= call.nextSendMs) {
                    begin(call, Call.LEAVING, now);
                }
            }
            default -> { }
        }
    }

    /** Enters {@code state} (INVITING or LEAVING) and sends its request for the first time. */
    private void begin(Call call, int state, long now) {
        call.state = state;
        call.firstSentMs = now;
        call.intervalMs = T1_MS;
        call.nextSendMs = now + T1_MS;
        send(request(call));
    }

    /** The request of the call's transaction in progress: its INVITE, or its BYE. */
    private String request(Call call) {
        return call.state == Call.INVITING ? invite(call) : bye(call);
    }

    private void fail(Call call, String why) {
        if (call.state != Call.DONE && call.state != Call.FAILED) {
            call.state = Call.FAILED;
            call.failure = why;
            finished.incrementAndGet();
        }
    }

    private void receive() {
        ByteBuffer in = ByteBuffer.allocate(65_535);
        while (!stopping) {
            in.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) sip.receive(in);
            } catch (IOException e) {
                return; // closed at the end
            }
            in.flip();
            String message = StandardCharsets.UTF_8.decode(in).toString();
            try {
                handle(message, from);
            } catch (RuntimeException e) {
                System.err.println("RtpCallers: could not handle a message from " + from + ": " + e);
            }
        }
    }

    private void handle(String message, InetSocketAddress from) {
        String callId = header(message, "Call-ID", "i");
        Call call = callOf(callId);
        if (!message.startsWith("SIP/2.0 ")) {
            request(message, from, call);
            return;
        }
        if (call == null) {
            return;
        }
        int status = Integer.parseInt(message.substring(8, 11));
        String cseq = header(message, "CSeq", null);
        synchronized (call) {
            if (cseq.endsWith("INVITE")) {
                if (status < 200) {
                    return;
                }
                if (status >= 300) {
                    send(ackOfFailure(call, message));
                    fail(call, "INVITE answered " + status);
                    return;
                }
                String to = header(message, "To", "t");
                int tag = to.indexOf(";tag=");
                call.toTag = tag < 0 ? "" : to.substring(tag + 5).split("[;>\\s]")[0];
                send(ack(call));
                if (call.state == Call.INVITING) {
                    call.media = new InetSocketAddress(sdpAddress(message), sdpPort(message));
                    call.state = Call.ESTABLISHED;
                    call.nextSendMs = System.currentTimeMillis() + call.holdMs;
                }
            } else if (cseq.endsWith("BYE") && status >= 200 && call.state == Call.LEAVING) {
                call.state = Call.DONE;
                finished.incrementAndGet();
            }
        }
    }

    /** The bridge's requests: keepalive OPTIONS are answered, a BYE ends the call (a failure: we hang up). */
    private void request(String message, InetSocketAddress from, Call call) {
        String method = message.substring(0, message.indexOf(' '));
        if (method.equals("ACK")) {
            return;
        }
        StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
        for (String line : message.split("\r\n")) {
            String name = line.indexOf(':') < 0 ? "" : line.substring(0, line.indexOf(':')).trim();
            if (name.equalsIgnoreCase("Via") || name.equalsIgnoreCase("v") || name.equalsIgnoreCase("From")
                    || name.equalsIgnoreCase("f") || name.equalsIgnoreCase("To") || name.equalsIgnoreCase("t")
                    || name.equalsIgnoreCase("Call-ID") || name.equalsIgnoreCase("i") || name.equalsIgnoreCase("CSeq")) {
                ok.append(line).append("\r\n");
            }
        }
        ok.append("Content-Length: 0\r\n\r\n");
        send(ok.toString(), from);
        if (method.equals("OPTIONS")) {
            optionsAnswered.incrementAndGet();
        } else if (method.equals("BYE") && call != null) {
            byesFromBridge.incrementAndGet();
            synchronized (call) {
                fail(call, "the bridge hung up");
            }
        }
    }

    private Call callOf(String callId) {
        String prefix = "rc-" + runId + "-";
        if (callId == null || !callId.startsWith(prefix)) {
            return null;
        }
        int at = callId.indexOf('@');
        int index = Integer.parseInt(callId.substring(prefix.length(), at < 0 ? callId.length() : at));
        return index >= 0 && index < calls.size() ? calls.get(index) : null;
    }

    private static String header(String message, String name, String compact) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                if (line.isEmpty()) {
                    break;
                }
                continue;
            }
            String n = line.substring(0, colon).trim();
            if (n.equalsIgnoreCase(name) || (compact != null && n.equalsIgnoreCase(compact))) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String sdpAddress(String message) {
        for (String line : message.split("\r\n")) {
            if (line.startsWith("c=IN IP4 ") || line.startsWith("c=IN IP6 ")) {
                return line.substring(9).trim();
            }
        }
        throw new IllegalArgumentException("no c= line in the answer");
    }

    private static int sdpPort(String message) {
        for (String line : message.split("\r\n")) {
            if (line.startsWith("m=audio ")) {
                return Integer.parseInt(line.split(" ")[1]);
            }
        }
        throw new IllegalArgumentException("no m=audio line in the answer");
    }

    private String dialog(Call call, String method, int cseq, String branch, boolean withToTag) {
        String uri = "sip:" + call.conference + "@" + localHost + ":" + bridge.getPort();
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + localHost + ":" + sipPort + ";branch=z9hG4bK-" + runId + "-" + branch + ";rport\r\n"
                + "From: \"bench caller " + call.index + "\" <sip:caller" + call.index + "@" + localHost + ":" + sipPort
                + ">;tag=rc" + call.index + "\r\n"
                + "To: <" + uri + ">" + (withToTag && call.toTag != null && !call.toTag.isEmpty() ? ";tag=" + call.toTag : "") + "\r\n"
                + "Call-ID: rc-" + runId + "-" + call.index + "@" + localHost + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: <sip:caller" + call.index + "@" + localHost + ":" + sipPort + ">\r\n"
                + "Max-Forwards: 70\r\n"
                + "User-Agent: confbridge-bench RtpCallers\r\n";
    }

    private String invite(Call call) {
        String sdp = "v=0\r\n"
                + "o=caller " + call.index + " 1 IN IP4 " + localHost + "\r\n"
                + "s=-\r\n"
                + "c=IN IP4 " + localHost + "\r\n"
                + "t=0 0\r\n"
                + "m=audio " + rtpPort + " RTP/AVP " + codec.payloadType + " 101\r\n"
                + codec.rtpmap + "\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + "a=ptime:20\r\n"
                + "a=sendrecv\r\n";
        return dialog(call, "INVITE", 1, "i" + call.index, false)
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp;
    }

    private String ack(Call call) {
        return dialog(call, "ACK", 1, "a" + call.index, true) + "Content-Length: 0\r\n\r\n";
    }

    /** A non-2xx answer is acknowledged within the INVITE's transaction: its branch, the answer's To. */
    private String ackOfFailure(Call call, String answer) {
        call.toTag = null;
        String ack = dialog(call, "ACK", 1, "i" + call.index, false);
        return ack.replaceFirst("(?m)^To: .*\r\n", "To: " + header(answer, "To", "t").replace("$", "\\$") + "\r\n")
                + "Content-Length: 0\r\n\r\n";
    }

    private String bye(Call call) {
        return dialog(call, "BYE", 2, "b" + call.index, true) + "Content-Length: 0\r\n\r\n";
    }

    private void send(String message) {
        send(message, bridge);
    }

    private void send(String message, InetSocketAddress to) {
        try {
            synchronized (sip) {
                sip.send(ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)), to);
            }
        } catch (IOException e) {
            System.err.println("RtpCallers: SIP send to " + to + " failed: " + e);
        }
    }

    // ---- media: one thread, every established call's packet once a tick, spread over the tick ----

    private void sendAudio() {
        ByteBuffer packet = ByteBuffer.allocateDirect(1500);
        long tick = System.nanoTime();
        while (!stopping) {
            int n = calls.size();
            for (int i = 0; i < n; i++) {
                // Call i's packet at its own offset in the tick, so the bridge is not sent a burst.
                long due = tick + TICK_NS * i / n;
                long wait = due - System.nanoTime();
                if (wait > 50_000) {
                    LockSupport.parkNanos(wait);
                }
                Call call = calls.get(i);
                InetSocketAddress to = call.media;
                if (call.state != Call.ESTABLISHED || to == null) {
                    continue;
                }
                List<byte[]> frames = call.talks || quietFrames == null ? talkFrames : quietFrames;
                byte[] payload = frames.get((call.index * 37 + call.frame++) % frames.size());
                packet.clear();
                packet.put((byte) 0x80).put((byte) codec.payloadType).putShort((short) call.sequence++)
                        .putInt(call.timestamp).putInt(0x5EED0000 | call.index).put(payload).flip();
                call.timestamp += codec.timestampStep;
                if (loss > 0 && lossDraw.nextDouble() < loss) {
                    rtpDropped.incrementAndGet(); // lost on the way: its sequence number is skipped
                    continue;
                }
                try {
                    rtp.send(packet, to);
                    rtpSent.incrementAndGet();
                } catch (IOException e) {
                    System.err.println("RtpCallers: RTP send to " + to + " failed: " + e);
                }
            }
            tick += TICK_NS;
            if (System.nanoTime() - tick > TICK_NS) {
                lateTicks.incrementAndGet(); // this thread fell a whole tick behind: start again from now
                tick = System.nanoTime();
            }
        }
    }

    // ---- audio files ----

    /** The RTP payloads of a pcap (Ethernet or Linux cooked captures of IPv4/UDP/RTP). */
    static List<byte[]> pcapPayloads(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0xa1b2c3d4) {
            throw new IOException(file + ": not a little-endian pcap");
        }
        int link = b.getInt(20);
        int linkHeader = link == 1 ? 14 : link == 113 ? 16 : -1;
        if (linkHeader < 0) {
            throw new IOException(file + ": link type " + link + " is not Ethernet or Linux cooked");
        }
        List<byte[]> payloads = new ArrayList<>();
        for (int at = 24; at + 16 <= b.limit(); ) {
            int length = b.getInt(at + 8);
            int ip = at + 16 + linkHeader;
            int udp = ip + (b.get(ip) & 0x0F) * 4;
            int rtpAt = udp + 8;
            int udpLength = ((b.get(udp + 4) & 0xFF) << 8) | (b.get(udp + 5) & 0xFF);
            int header = 12 + 4 * (b.get(rtpAt) & 0x0F);
            byte[] payload = new byte[udpLength - 8 - header];
            b.get(rtpAt + header, payload);
            payloads.add(payload);
            at += 16 + length;
        }
        return payloads;
    }

    /** A WAV file's data chunk in 160-byte frames: 20 ms of G.711 or of G.722 at 64 kbit/s. */
    static List<byte[]> wavFrames(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 12; at + 8 <= b.limit(); ) {
            int size = b.getInt(at + 4);
            if (b.get(at) == 'd' && b.get(at + 1) == 'a' && b.get(at + 2) == 't' && b.get(at + 3) == 'a') {
                List<byte[]> frames = new ArrayList<>();
                for (int f = at + 8; f + 160 <= Math.min(b.limit(), at + 8 + size); f += 160) {
                    byte[] frame = new byte[160];
                    b.get(f, frame);
                    frames.add(frame);
                }
                return frames;
            }
            at += 8 + size + (size & 1);
        }
        throw new IOException(file + ": no data chunk");
    }

    static List<byte[]> frames(Path file) throws IOException {
        List<byte[]> frames = file.toString().endsWith(".pcap") ? pcapPayloads(file) : wavFrames(file);
        if (frames.isEmpty()) {
            throw new IOException(file + ": no audio frames");
        }
        return frames;
    }

    // ---- running ----

    private void writeJson(Path json) {
        int ok = 0;
        int failed = 0;
        List<String> reasons = new ArrayList<>();
        for (Call call : calls) {
            if (call.state == Call.DONE) {
                ok++;
            } else {
                failed++;
                if (reasons.size() < 5) {
                    reasons.add("\"call " + call.index + ": " + (call.failure != null ? call.failure : "not ended, state " + call.state) + "\"");
                }
            }
        }
        String text = "{\"calls\": " + calls.size() + ", \"successful\": " + ok + ", \"failed\": " + failed
                + ", \"rtp_packets_sent\": " + rtpSent.get() + ", \"rtp_packets_dropped\": " + rtpDropped.get()
                + ", \"sender_late_ticks\": " + lateTicks.get()
                + ", \"options_answered\": " + optionsAnswered.get() + ", \"byes_from_bridge\": " + byesFromBridge.get()
                + ", \"first_failures\": [" + String.join(", ", reasons) + "]}\n";
        try {
            Files.writeString(json, text);
        } catch (IOException e) {
            System.err.println("RtpCallers: could not write " + json + ": " + e);
        }
        System.out.print(text);
    }

    private void run(Path json) throws Exception {
        Thread receiver = new Thread(this::receive, "sip-receive");
        Thread sender = new Thread(this::sendAudio, "rtp-send");
        sender.setPriority(Thread.MAX_PRIORITY);
        receiver.setDaemon(true);
        sender.setDaemon(true);
        receiver.start();
        sender.start();
        Thread main = Thread.currentThread();
        AtomicInteger written = new AtomicInteger();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            if (written.getAndIncrement() == 0) {
                writeJson(json);
            }
        }));
        Thread status = new Thread(() -> {
            PrintStream out = System.out;
            while (!stopping) {
                LockSupport.parkNanos(5_000_000_000L);
                int up = 0;
                for (Call c : calls) {
                    if (c.state == Call.ESTABLISHED) {
                        up++;
                    }
                }
                out.println("established " + up + ", finished " + finished.get() + "/" + calls.size()
                        + ", RTP sent " + rtpSent.get() + ", sender late ticks " + lateTicks.get());
            }
        }, "status");
        status.setDaemon(true);
        status.start();
        signal();
        stopping = true;
        if (written.getAndIncrement() == 0) {
            writeJson(json);
        }
        sip.close();
        rtp.close();
        rtcp.close();
        main.interrupt();
    }

    public static void main(String[] args) throws Exception {
        String bridge = "127.0.0.1:5060";
        int sipPort = 5070;
        int rtpPort = 40_000;
        Codec codec = Codec.PCMU;
        Path inf = null;
        Path talk = null;
        Path quiet = null;
        Path json = Path.of("rtp-callers.json");
        double rate = 100;
        double loss = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--bridge" -> bridge = value;
                case "--sip-port" -> sipPort = Integer.parseInt(value);
                case "--rtp-port" -> rtpPort = Integer.parseInt(value);
                case "--codec" -> codec = Codec.valueOf(value.toUpperCase());
                case "--inf" -> inf = Path.of(value);
                case "--talk" -> talk = Path.of(value);
                case "--quiet" -> quiet = Path.of(value);
                case "--json" -> json = Path.of(value);
                case "--rate" -> rate = Double.parseDouble(value);
                case "--loss" -> loss = Double.parseDouble(value) / 100;
                default -> {
                    System.err.println("RtpCallers: unknown option " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        if (inf == null || talk == null) {
            System.err.println("usage: RtpCallers --inf HOLDS.csv --talk AUDIO [--quiet AUDIO] [--codec pcmu|g722|opus]"
                    + " [--bridge HOST:PORT] [--sip-port P] [--rtp-port P] [--rate CPS] [--loss PERCENT] [--json OUT]");
            System.exit(2);
        }
        List<Call> calls = new ArrayList<>();
        List<String> lines = Files.readAllLines(inf);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(";");
            calls.add(new Call(calls.size(), (long) Double.parseDouble(f[0]), f[1], f.length > 2 && f[2].equals("1")));
        }
        int colon = bridge.lastIndexOf(':');
        RtpCallers callers = new RtpCallers(new InetSocketAddress(bridge.substring(0, colon), Integer.parseInt(bridge.substring(colon + 1))),
                sipPort, rtpPort, codec, calls, rate, frames(talk), quiet == null ? null : frames(quiet), loss);
        callers.run(json);
    }
}
