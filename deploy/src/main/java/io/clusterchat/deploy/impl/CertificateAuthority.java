package io.clusterchat.deploy.impl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster CA kept as two PEM files in a directory ({@code ca.pem}, {@code ca-key.pem}, the key mode 600), and
 * the certificates it issues: EC P-256 keys, each host an IP or DNS subject alternative name, good for both TLS
 * server and client (an event-bus connection is both). Keys are made and signed by the JDK's own providers;
 * BouncyCastle only builds the X.509 structures and reads and writes PEM, so nothing needs a registered provider.
 */
public final class CertificateAuthority {

  public static final String CA_CERT = "ca.pem";
  public static final String CA_KEY = "ca-key.pem";
  public static final Duration CA_VALIDITY = Duration.ofDays(3650);
  public static final Duration NODE_VALIDITY = Duration.ofDays(825);
  /** Issued certificates start an hour back, so a peer whose clock is a little behind accepts them. */
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})"
      + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final int SERIAL_BITS = 127;
  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** The files a certificate was written to. */
  public record Issued(Path certificate, Path key) {
  }

  /**
   * The CA in {@code dir}, made there first if neither of its files exists.
   *
   * @throws IllegalArgumentException if only one of the two files is there, or they cannot be read
   */
  public static CertificateAuthority openOrCreate(Path dir) throws IOException {
    Path cert = dir.resolve(CA_CERT);
    Path key = dir.resolve(CA_KEY);
    if (Files.exists(cert) && Files.exists(key)) {
      return open(cert, key);
    }
    if (Files.exists(cert) || Files.exists(key)) {
      throw new IllegalArgumentException("found " + (Files.exists(cert) ? cert : key) + " without "
          + (Files.exists(cert) ? key : cert) + ": issue certificates where the CA key is kept");
    }
    Files.createDirectories(dir);
    CertificateAuthority ca = create();
    writePem(key, new JcaPKCS8Generator(ca.key, null), true);
    writePem(cert, ca.certificate, false);
    return ca;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Issues {@code <name>.pem} and {@code <name>-key.pem} in {@code dir} for these hosts (IP addresses or DNS
   * names). Existing files are not overwritten: delete them to issue anew.
   */
  public Issued issue(Path dir, String name, List<String> hosts) throws IOException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("certificate name must match " + NAME + " (it names the files), was '"
          + name + "'");
    }
    GeneralNames altNames = altNames(hosts);
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + "-key.pem");
    for (Path file : List.of(certFile, keyFile)) {
      if (Files.exists(file)) {
        throw new IllegalArgumentException(file + " exists already: delete it to issue a new certificate");
      }
    }
    KeyPair pair = newKeyPair();
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = builder(X500Name.getInstance(certificate.getSubjectX500Principal()
          .getEncoded()), new X500Name("CN=" + name), pair, NODE_VALIDITY)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, altNames)
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensions.createAuthorityKeyIdentifier(certificate))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensions.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate issued = sign(builder, key);
      Files.createDirectories(dir);
      writePem(keyFile, new JcaPKCS8Generator(pair.getPrivate(), null), true);
      writePem(certFile, issued, false);
      return new Issued(certFile, keyFile);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  private static CertificateAuthority create() throws IOException {
    KeyPair pair = newKeyPair();
    X500Name subject = new X500Name("CN=clusterchat cluster CA " + Long.toHexString(RANDOM.nextLong()));
    try {
      X509v3CertificateBuilder builder = builder(subject, subject, pair, CA_VALIDITY)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              new JcaX509ExtensionUtils().createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a CA: " + e.getMessage(), e);
    }
  }

  private static CertificateAuthority open(Path certFile, Path keyFile) throws IOException {
    Object cert = readPem(certFile);
    Object key = readPem(keyFile);
    if (!(cert instanceof X509CertificateHolder) || !(key instanceof PrivateKeyInfo)) {
      throw new IllegalArgumentException(certFile + " and " + keyFile + " are not a PEM certificate and a PEM "
          + "(PKCS#8) private key");
    }
    try {
      return new CertificateAuthority(new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) cert),
          new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) key));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA in " + certFile.getParent() + ": " + e.getMessage(), e);
    }
  }

  private static GeneralNames altNames(List<String> hosts) {
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("name at least one host (IP address or DNS name) the certificate is for");
    }
    List<GeneralName> names = new ArrayList<>();
    for (String host : hosts) {
      names.add(altName(host));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static GeneralName altName(String host) {
    if (host != null && (IPV4.matcher(host).matches() || host.contains(":"))) {
      try {
        // A literal: InetAddress parses it without a DNS lookup; the SAN holds its bytes.
        InetAddress.getByName(host);
        return new GeneralName(GeneralName.iPAddress, host);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + host + "' is not an IP address", e);
      }
    }
    if (host == null || !DNS_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("host '" + host + "' is neither an IP address nor a DNS name");
    }
    return new GeneralName(GeneralName.dNSName, host);
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys: " + e.getMessage(), e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, new BigInteger(SERIAL_BITS, RANDOM).setBit(0),
        Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), subject, pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(builder.build(
          new JcaContentSignerBuilder(SIGNATURE).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e.getMessage(), e);
    }
  }

  private static Object readPem(Path file) throws IOException {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
         PEMParser parser = new PEMParser(reader)) {
      return parser.readObject();
    }
  }

  /** Private keys are created mode 600 (where the file system has modes) before a byte is written. */
  private static void writePem(Path file, Object pem, boolean secret) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (secret && Files.getFileStore(parent).supportsFileAttributeView("posix")) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        throw new IllegalArgumentException(file + " exists already", e);
      }
    }
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
         JcaPEMWriter pemWriter = new JcaPEMWriter(writer)) {
      pemWriter.writeObject(pem);
    }
  }
}
