package auth

import (
	"context"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

func TestKeySetMatchesVerify(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newTestVerifier(t, Config{}, iss)
	set := v.KeySet()
	if set.Len() != 1 {
		t.Fatalf("KeySet has %d keys, want 1", set.Len())
	}
	k, _ := set.Key(0)
	if kid, _ := k.KeyID(); kid != iss.KeyID() {
		t.Fatalf("KeySet kid %q, want %q", kid, iss.KeyID())
	}
	if alg, _ := k.Algorithm(); alg != jwa.ES256() {
		t.Fatalf("KeySet alg %v, want ES256", alg)
	}
	tok, _, err := iss.Mint(Claims{TenantID: "acme", Subject: newPersonID()}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jwt.ParseString(tok, jwt.WithKeySet(set), jwt.WithIssuer(DefaultIssuer), jwt.WithAudience(DefaultAudience),
		jwt.WithRequiredClaim(jwt.ExpirationKey), jwt.WithAcceptableSkew(DefaultLeeway)); err != nil {
		t.Fatalf("baseline check with KeySet: %v", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	iss := newTestIssuer(b)
	v := newTestVerifier(b, Config{}, iss)
	tok, _, err := iss.Mint(Claims{TenantID: "acme", Subject: newPersonID(), AppID: "app_1", Role: RoleAdmin}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyBaseline is the bare jwx check the server is compared
// against, on the same key set and token.
func BenchmarkVerifyBaseline(b *testing.B) {
	iss := newTestIssuer(b)
	v := newTestVerifier(b, Config{}, iss)
	tok, _, err := iss.Mint(Claims{TenantID: "acme", Subject: newPersonID(), AppID: "app_1", Role: RoleAdmin}, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	set := v.KeySet()
	buf := []byte(tok)
	b.ReportAllocs()
	for b.Loop() {
		t, err := jwt.Parse(buf, jwt.WithKeySet(set), jwt.WithIssuer(DefaultIssuer), jwt.WithAudience(DefaultAudience),
			jwt.WithRequiredClaim(jwt.ExpirationKey), jwt.WithAcceptableSkew(DefaultLeeway))
		if err != nil {
			b.Fatal(err)
		}
		var tenant string
		if err := t.Get(ClaimTenantID, &tenant); err != nil {
			b.Fatal(err)
		}
	}
}
