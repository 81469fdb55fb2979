package io.overlaykit.samples;

import io.overlaykit.core.Bridge;
import io.overlaykit.core.InterfaceName;
import io.overlaykit.core.VxlanTunnel;
import io.overlaykit.core.spi.OverlaySwitch;
import java.util.List;

/** A switch that also closes the connection it runs on. */
final class ClosingSwitch implements OverlaySwitch {
    private final OverlaySwitch sw;
    private final AutoCloseable connection;

    ClosingSwitch(OverlaySwitch sw, AutoCloseable connection) {
        this.sw = sw;
        this.connection = connection;
    }

    @Override
    public String kind() {
        return sw.kind();
    }

    @Override
    public boolean needsTxChecksumOff() {
        return sw.needsTxChecksumOff();
    }

    @Override
    public void ensureBridge(Bridge bridge, String owner) {
        sw.ensureBridge(bridge, owner);
    }

    @Override
    public boolean deleteBridge(InterfaceName bridge) {
        return sw.deleteBridge(bridge);
    }

    @Override
    public List<InterfaceName> bridges(String owner) {
        return sw.bridges(owner);
    }

    @Override
    public void attach(InterfaceName bridge, List<InterfaceName> links, String owner) {
        sw.attach(bridge, links, owner);
    }

    @Override
    public void detach(InterfaceName bridge, List<InterfaceName> links) {
        sw.detach(bridge, links);
    }

    @Override
    public void addTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels, String owner) {
        sw.addTunnels(bridge, tunnels, owner);
    }

    @Override
    public void removeTunnels(InterfaceName bridge, List<VxlanTunnel> tunnels) {
        sw.removeTunnels(bridge, tunnels);
    }

    @Override
    public List<InterfaceName> ports(InterfaceName bridge) {
        return sw.ports(bridge);
    }

    @Override
    public List<VxlanTunnel> tunnels(InterfaceName bridge) {
        return sw.tunnels(bridge);
    }

    @Override
    public void close() {
        try {
            sw.close();
        } finally {
            try {
                connection.close();
            } catch (Exception e) {
                System.getLogger(ClosingSwitch.class.getName()).log(System.Logger.Level.DEBUG, "close: " + e);
            }
        }
    }

    @Override
    public String toString() {
        return sw.toString();
    }
}
