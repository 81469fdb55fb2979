package io.overlaykit.ovs.internal;

import io.overlaykit.ovs.OvsdbRemote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds an {@link SSLContext} for mutual TLS from PEM files, as ovs-vsctl's -p/-c/-C take them. */
public final class PemTls {
    private PemTls() {
    }

    /** The context; the key must be PKCS#8 ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    public static SSLContext context(OvsdbRemote.TlsFiles files) throws IOException {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> chain;
            try (var in = Files.newInputStream(files.certificate())) {
                chain = cf.generateCertificates(in);
            }
            Collection<? extends Certificate> cas;
            try (var in = Files.newInputStream(files.caCertificate())) {
                cas = cf.generateCertificates(in);
            }
            PrivateKey key = privateKey(Files.readString(files.privateKey(), StandardCharsets.US_ASCII));
            char[] pass = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, pass, chain.toArray(new Certificate[0]));
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            int i = 0;
            for (Certificate ca : cas) {
                ts.setCertificateEntry("ca" + i++, ca);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pass);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            // The message names the files, never their contents.
            throw new IOException("cannot build TLS context from " + files + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) {
            throw new GeneralSecurityException("private key is not PKCS#8 PEM (BEGIN PRIVATE KEY); "
                    + "convert it with 'openssl pkcs8 -topk8 -nocrypt'");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }

}
