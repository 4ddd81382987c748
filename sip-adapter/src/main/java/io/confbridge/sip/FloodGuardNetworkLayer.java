package io.confbridge.sip;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
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
 * <p>jain-sip instantiates this class by name, once per stack; it finds its stack's limits by the
 * stack's name, registered by {@link SipServer} before the stack is made.
 */
public final class FloodGuardNetworkLayer implements NetworkLayer {

    private static final Map<String, RequestAdmission> BY_STACK = new ConcurrentHashMap<>();

    private final NetworkLayer delegate = DefaultNetworkLayer.SINGLETON;
    private volatile RequestAdmission admission;

    static void register(String stackName, RequestAdmission admission) {
        BY_STACK.put(stackName, admission);
    }

    static void unregister(String stackName) {
        BY_STACK.remove(stackName);
    }

    @Override
    public void setSipStack(SipStackImpl stack) {
        admission = BY_STACK.get(stack.getStackName());
        delegate.setSipStack(stack);
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress address) throws SocketException {
        RequestAdmission guard = admission;
        return guard == null ? delegate.createDatagramSocket(port, address)
                : new GuardedSocket(new InetSocketAddress(address, port), guard);
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

    /** The SIP UDP socket: a datagram the guard refuses is read and forgotten, and the next one read. */
    private static final class GuardedSocket extends DatagramSocket {
        private final RequestAdmission guard;
        /** jain-sip reads this socket on one thread. */
        private final RequestAdmission.DatagramGate gate = new RequestAdmission.DatagramGate();

        GuardedSocket(InetSocketAddress bindAddress, RequestAdmission guard) throws SocketException {
            super(bindAddress);
            this.guard = guard;
        }

        @Override
        public void receive(DatagramPacket packet) throws IOException {
            int capacity = packet.getLength();
            while (true) {
                super.receive(packet);
                if (guard.admitsDatagram(packet.getAddress(), packet.getData(), packet.getOffset(), packet.getLength(),
                        System.nanoTime(), gate)) {
                    return;
                }
                packet.setLength(capacity);
            }
        }
    }
}
