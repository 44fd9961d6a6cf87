package io.clusterchat.auth.impl;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.clusterchat.auth.TokenKey;
import io.clusterchat.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/**
 * RESUME tokens: JWTs signed with HS256 (nimbus-jose-jwt), header {@code {"alg":"HS256","kid":<key id>}}, claims
 * {@code sub} (the user's address), {@code iat}, {@code exp}, {@code jti} (128 random bits) and {@code gen} (the
 * account's token generation when the token was issued). Any auth-node with the key a token names can check it
 * alone; the auth-node then compares the generation with the account's (a kick raises it, revoking every token the
 * account has).
 *
 * <p>The first key signs, every key verifies the tokens naming it: that is key rotation. Checking is strict, as
 * for a token an attacker wrote: a bounded length, canonical base64url, a header of exactly {@code alg} HS256 and a
 * known {@code kid} (so no {@code none}, no other algorithm, no {@code crit}, {@code jwk} or {@code jku}), the
 * signature, then every claim. Thread-safe.
 */
public final class Tokens {

  /** The private claim of the account's token generation. */
  static final String GENERATION_CLAIM = "gen";

  private static final int JTI_BYTES = 16;
  // Real tokens are 200 to 300 characters; anything far longer is refused before it is parsed.
  private static final int MAX_TOKEN_LENGTH = 512;
  /** Three base64url parts, nothing else: no padding, no spaces, no standard-alphabet characters. */
  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
  /** The only header parameters a token may have: anything else asks for processing this node does not do. */
  private static final Set<String> HEADER_PARAMS = Set.of("alg", "kid");
  private static final Set<String> REQUIRED_CLAIMS = Set.of("sub", "exp", "iat", "jti", GENERATION_CLAIM);

  private final SecureRandom random = new SecureRandom();
  private final String signingKeyId;
  private final JWSSigner signer;
  /** Key id to key, in the order given. */
  private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
  private final DefaultJWTProcessor<Now> processor = new DefaultJWTProcessor<>();
  private final long ttlMillis;

  /** @param keys at least one, distinct ids (as {@link io.clusterchat.auth.AuthOptions} checks); the first signs */
  public Tokens(List<TokenKey> keys, long ttlMillis) {
    for (TokenKey key : keys) {
      this.keys.put(key.id(), new SecretKeySpec(key.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }
    this.signingKeyId = keys.get(0).id();
    try {
      this.signer = new MACSigner(this.keys.get(signingKeyId));
    } catch (JOSEException e) {
      throw new IllegalArgumentException("token key '" + signingKeyId + "' is too short for HS256", e);
    }
    this.ttlMillis = ttlMillis;
    processor.setJWSKeySelector(this::keyFor);
    processor.setJWTClaimsSetVerifier(Tokens::checkClaims);
  }

  /** What a valid token says: whose it is, and the account's token generation when it was issued. */
  public record Claims(String address, long generation) {
  }

  /** The moment a token is checked at, handed through the processor to the claims check. */
  private record Now(long millis) implements SecurityContext {
  }

  /** A new token for {@code address} at generation 0, good until {@code nowMillis} plus the ttl. */
  public String issue(String address, long nowMillis) {
    return issue(address, 0, nowMillis);
  }

  /** A new token for {@code address} at its account's {@code generation}, good until now plus the ttl. */
  public String issue(String address, long generation, long nowMillis) {
    byte[] jti = new byte[JTI_BYTES];
    random.nextBytes(jti);
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(address)
        .issueTime(new Date(nowMillis))
        .expirationTime(new Date(nowMillis + ttlMillis))
        .jwtID(Base64URL.encode(jti).toString())
        .claim(GENERATION_CLAIM, generation)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signingKeyId).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("HS256 signing failed", e);
    }
    return jwt.serialize();
  }

  /** The address a token was issued for, if it checks out at {@code nowMillis}. */
  public Optional<String> verify(String token, long nowMillis) {
    return claims(token, nowMillis).map(Claims::address);
  }

  /** What the token says, if its header, signature and claims check out and it has not expired at {@code nowMillis}. */
  public Optional<Claims> claims(String token, long nowMillis) {
    if (token == null || token.length() > MAX_TOKEN_LENGTH || !SHAPE.matcher(token).matches()) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!canonical(jwt)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = processor.process(jwt, new Now(nowMillis));
      return Optional.of(new Claims(claims.getSubject(), (Long) claims.getClaim(GENERATION_CLAIM)));
    } catch (ParseException | BadJOSEException | JOSEException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether each part is the one spelling of its bytes. The decoder ignores the unused low bits of a part's last
   * character, and a signature is compared as bytes: without this check one token had several spellings.
   */
  private static boolean canonical(SignedJWT jwt) {
    for (Base64URL part : jwt.getParsedParts()) {
      if (!Base64URL.encode(part.decode()).equals(part)) {
        return false;
      }
    }
    return true;
  }

  /** The key a header may be checked with: none unless it is exactly HS256 and a kid this node has. */
  private List<Key> keyFor(JWSHeader header, Now now) {
    if (!JWSAlgorithm.HS256.equals(header.getAlgorithm()) || !HEADER_PARAMS.equals(header.getIncludedParams())) {
      return List.of();
    }
    SecretKeySpec key = keys.get(header.getKeyID());
    return key == null ? List.of() : List.of(key);
  }

  /** Every claim there and well-formed, and the token not expired at the moment in {@code now}. */
  private static void checkClaims(JWTClaimsSet claims, Now now) throws BadJWTException {
    if (!claims.getClaims().keySet().containsAll(REQUIRED_CLAIMS)) {
      throw new BadJWTException("missing claims");
    }
    Date expires = claims.getExpirationTime();
    if (expires == null || now.millis() >= expires.getTime()) {
      throw new BadJWTException("expired");
    }
    if (!Limits.isAddress(claims.getSubject())) {
      throw new BadJWTException("bad subject");
    }
    // Integers parse as Long; 1.5 or 1e30 parse as Double, "7" as a String: all refused.
    if (!(claims.getClaim(GENERATION_CLAIM) instanceof Long generation) || generation < 0) {
      throw new BadJWTException("bad generation");
    }
    String jti = claims.getJWTID();
    if (jti == null || jti.isEmpty() || claims.getIssueTime() == null) {
      throw new BadJWTException("bad jti or iat");
    }
  }
}
