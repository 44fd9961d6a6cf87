package io.clusterchat.deploy;

import io.clusterchat.deploy.impl.CertificateAuthority;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Makes the cluster CA and node certificates for event-bus TLS with Java alone (no openssl on the machine). */
@Command(name = "certs", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Makes the cluster CA (ca.pem, ca-key.pem) in --dir unless it is there, then, with --name, a "
        + "certificate and key signed by it for the --host addresses: NAME.pem and NAME-key.pem, for a node's "
        + "--bus-tls-cert and --bus-tls-key (with ca.pem as --bus-tls-ca). Keep ca-key.pem on this machine only.")
final class CertsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "data/bus-tls",
      description = "Where the CA is (or is made) and the certificate is written. Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The certificate's name (its CN and file names), e.g. the host's name. Without it only the CA "
          + "is made.")
  String name;

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "An IP address or DNS name the certificate is for (the host's --cluster-host); repeat for "
          + "several.")
  List<String> hosts;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      CertificateAuthority ca = CertificateAuthority.openOrCreate(dir);
      out.println("cluster CA: " + dir.resolve(CertificateAuthority.CA_CERT) + " ("
          + ca.certificate().getSubjectX500Principal().getName() + ")");
      if (name == null) {
        if (hosts != null && !hosts.isEmpty()) {
          throw new IllegalArgumentException("--host needs --name: the name of the certificate to issue");
        }
        return 0;
      }
      CertificateAuthority.Issued issued = ca.issue(dir, name, hosts);
      out.println("certificate for " + String.join(", ", hosts) + ": " + issued.certificate() + ", key "
          + issued.key());
      return 0;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IOException e) {
      spec.commandLine().getErr().println("clusterchat: cannot write the certificates in " + dir + ": " + e);
      return 1;
    }
  }
}
