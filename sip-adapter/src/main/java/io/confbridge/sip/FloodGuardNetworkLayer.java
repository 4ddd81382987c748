package io.confbridge.sip;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * jain-sip's network layer ({@code gov.nist.javax.sip.NETWORK_LAYER}) with one change: the SIP UDP
 * socket drops a source's new INVITEs and REGISTERs past its budget before jain-sip parses them
 * ({@link RequestAdmission#admitsDatagram}). jain-sip parses every datagram and makes a server
 * transaction with its timers before our listener runs; a flood shed only there still costs about
 * 100 µs a packet and, past what the CPU can parse, fills the socket buffer so that the kernel drops
 * legitimate callers' packets with the flood's. Everything else is jain-sip's default layer.
 *
 * <p>The socket also hands jain-sip each datagram in an array of its own length. jain-sip receives
 * every datagram into a fresh array of {@code MAX_MESSAGE_SIZE} (64 KiB) and queues it for its worker
 * threads; when those fall behind at a high call rate, each queued INVITE of ~1 KB held 64 KiB, a
 * backlog of 3,000 held 200 MB, and the young collections that copied it paused for 55–95 ms, which
 * set the call-setup p99. Now a queued datagram costs its size. The socket reads into a buffer of its
 * own, whatever array jain-sip offers, so that {@link #shrinkReceiveArray} can make jain-sip's array
 * tiny: it is allocated for every datagram and never read.
 *
 * <p>jain-sip instantiates this class by name, once per stack; it finds its stack's limits by the
 * stack's name, registered by {@link SipServer} before the stack is made.
 */
public final class FloodGuardNetworkLayer implements NetworkLayer {

    private static final Logger log = LoggerFactory.getLogger(FloodGuardNetworkLayer.class);
    private static final Map<String, RequestAdmission> BY_STACK = new ConcurrentHashMap<>();
    /** What jain-sip's UDP processor is left to allocate per datagram: an array nobody reads. */
    static final int JAIN_SIP_RECEIVE_ARRAY = 1;

    private final NetworkLayer delegate = DefaultNetworkLayer.SINGLETON;
    private volatile RequestAdmission admission;

    static void register(String stackName, RequestAdmission admission) {
        BY_STACK.put(stackName, admission);
    }

    static void unregister(String stackName) {
        BY_STACK.remove(stackName);
    }

    /**
     * jain-sip's UDP processor allocates a fresh array of {@code MAX_MESSAGE_SIZE} (64 KiB) for every
     * datagram before it asks the socket for one, and this layer's socket never reads into it (see the
     * class comment): 66 KB of garbage a datagram, which a JFR profile of 1,000 callers dialling in put
     * at 39 % of everything the bridge allocated. The processor takes the size from the stack once and
     * has no setter, so it is set here by reflection, for the jain-sip version the build pins (a test
     * measures the receiving thread's allocation). Should that fail, the bridge runs as before and says so.
     *
     * @param udp a UDP listening point of a stack whose network layer is this class
     */
    static void shrinkReceiveArray(ListeningPointImpl udp) {
        MessageProcessor processor = udp.getMessageProcessor();
        if (!(processor instanceof UDPMessageProcessor)
                || !(processor.getSIPStack().getNetworkLayer() instanceof FloodGuardNetworkLayer)) {
            return; // another socket reads into jain-sip's array: it must stay whole
        }
        try {
            Field size = UDPMessageProcessor.class.getDeclaredField("maxMessageSize");
            size.setAccessible(true);
            size.setInt(processor, JAIN_SIP_RECEIVE_ARRAY);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("jain-sip's UDP processor still allocates 64 KiB for each SIP datagram it receives (it could"
                    + " not be shrunk: {}); SIP over UDP works as before, with more garbage to collect", e.toString());
        }
    }

    @Override
    public void setSipStack(SipStackImpl stack) {
        admission = BY_STACK.get(stack.getStackName());
        delegate.setSipStack(stack);
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress address) throws SocketException {
        return new GuardedSocket(new InetSocketAddress(address, port), admission);
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return delegate.createDatagramSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return delegate.createServerSocket(port, backlog, address);
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress address) throws IOException {
        return delegate.createSSLServerSocket(port, backlog, address);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return delegate.createSocket(address, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return delegate.createSocket(address, port, myAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort) throws IOException {
        return delegate.createSocket(address, port, myAddress, myPort);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return delegate.createSSLSocket(address, port);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress) throws IOException {
        return delegate.createSSLSocket(address, port, myAddress);
    }

    /**
     * The SIP UDP socket: a datagram the guard (if any) refuses is read and forgotten, and the next one
     * read; one it admits reaches jain-sip in an exact-length copy (see the class comment).
     */
    private static final class GuardedSocket extends DatagramSocket {
        /** The largest UDP payload (IPv6's 65,527 bytes, and more than IPv4's 65,507). */
        static final int MAX_DATAGRAM = 65_535;

        private final RequestAdmission guard;
        /** jain-sip reads this socket on one thread, so one gate and one receive buffer serve. */
        private final RequestAdmission.DatagramGate gate = new RequestAdmission.DatagramGate();
        private final byte[] buffer = new byte[MAX_DATAGRAM];
        private final DatagramPacket into = new DatagramPacket(buffer, MAX_DATAGRAM);

        GuardedSocket(InetSocketAddress bindAddress, RequestAdmission guard) throws SocketException {
            super(bindAddress);
            this.guard = guard;
        }

        /** Replaces {@code packet}'s array with the next admitted datagram's bytes, whatever its size. */
        @Override
        public void receive(DatagramPacket packet) throws IOException {
            while (true) {
                into.setLength(MAX_DATAGRAM);
                super.receive(into);
                if (guard == null || guard.admitsDatagram(into.getAddress(), buffer, 0, into.getLength(),
                        System.nanoTime(), gate)) {
                    packet.setData(Arrays.copyOf(buffer, into.getLength()));
                    packet.setSocketAddress(into.getSocketAddress());
                    return;
                }
            }
        }
    }
}
