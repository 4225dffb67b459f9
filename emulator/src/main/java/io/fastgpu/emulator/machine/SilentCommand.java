package io.fastgpu.emulator.machine;

import java.io.InputStream;
import java.io.OutputStream;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/** A command on a hung machine: it never starts, never writes and never exits. */
final class SilentCommand implements Command {
    @Override public void setInputStream(InputStream in) { }
    @Override public void setOutputStream(OutputStream out) { }
    @Override public void setErrorStream(OutputStream err) { }
    @Override public void setExitCallback(ExitCallback callback) { }
    @Override public void start(ChannelSession channel, Environment env) { }
    @Override public void destroy(ChannelSession channel) { }
}
