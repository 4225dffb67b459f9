package io.fastgpu.emulator.machine;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystem;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * SFTP on this host's file system (absolute paths are this host's), with relative paths and
 * {@code realpath(".")} starting at the machine's home, as OpenSSH's sftp-server does for root.
 */
final class MachineSftp extends SftpSubsystemFactory {
    private final Path home;

    MachineSftp(Path home) {
        this.home = home;
    }

    @Override
    public Command createSubsystem(ChannelSession channel) {
        return new SftpSubsystem(channel, this) {
            @Override
            public void setFileSystem(FileSystem fileSystem) {
                super.setFileSystem(fileSystem);
                defaultDir = fileSystem.getPath(home.toString());
            }
        };
    }
}
