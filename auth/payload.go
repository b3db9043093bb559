package auth

import (
	"math"
	"time"

	"github.com/valyala/fastjson"

	"github.com/learnd/learnd/typeid"
)

// payload holds the claims of a verified token, decoded in one pass. Claim
// names match exactly (unlike encoding/json's case-insensitive field
// matching, which would let an injected "Role" claim stand in for "role").
type payload struct {
	iss, sub, jti              optString
	tenantID, appID, role, scp optString
	keyID, clientID            optString
	aud                        []string
	exp, nbf, iat              optNumber
}

type optString struct {
	v  string
	ok bool
}

type optNumber struct {
	v  float64
	ok bool
}

var parsers fastjson.ParserPool

// decodePayload decodes a verified JSON claims set. A claim of the wrong
// JSON type fails with that claim's reason.
func decodePayload(b []byte) (*payload, error) {
	// Parse is lenient (NaN, bad escapes); validate strictly first.
	if err := fastjson.ValidateBytes(b); err != nil {
		return nil, errBadClaims
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return nil, errBadClaims
	}
	o, err := v.Object()
	if err != nil {
		return nil, errBadClaims
	}

	var c payload
	strs := [...]struct {
		name string
		dst  *optString
		bad  error
	}{
		{"iss", &c.iss, errWrongIssuer},
		{"sub", &c.sub, errBadSub},
		{"jti", &c.jti, errBadJTI},
		{ClaimTenantID, &c.tenantID, errBadTenant},
		{ClaimAppID, &c.appID, errBadAppID},
		{ClaimRole, &c.role, errBadRole},
		{ClaimScope, &c.scp, errBadScope},
		{ClaimKeyID, &c.keyID, errBadKeyID},
		{ClaimClientID, &c.clientID, errBadClientID},
	}
	for _, s := range strs {
		f := o.Get(s.name)
		if f == nil {
			continue
		}
		sb, err := f.StringBytes()
		if err != nil {
			return nil, s.bad
		}
		*s.dst = optString{v: string(sb), ok: true} // copy: p is reused
	}
	nums := [...]struct {
		name string
		dst  *optNumber
		bad  error
	}{
		{"exp", &c.exp, errBadExp},
		{"nbf", &c.nbf, errBadNbf},
		{"iat", &c.iat, errBadIat},
	}
	for _, n := range nums {
		f := o.Get(n.name)
		if f == nil {
			continue
		}
		x, err := f.Float64()
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, n.bad
		}
		*n.dst = optNumber{v: x, ok: true}
	}
	if f := o.Get("aud"); f != nil {
		switch f.Type() {
		case fastjson.TypeString:
			c.aud = []string{string(f.GetStringBytes())}
		case fastjson.TypeArray:
			items, _ := f.Array()
			c.aud = make([]string, 0, len(items))
			for _, it := range items {
				sb, err := it.StringBytes()
				if err != nil {
					return nil, errBadAud
				}
				c.aud = append(c.aud, string(sb))
			}
		default:
			return nil, errBadAud
		}
	}
	return &c, nil
}

// checkRegistered validates iss, aud, exp (required), nbf and iat, the
// time claims with leeway.
func (c *payload) checkRegistered(iss, aud string, leeway time.Duration, now time.Time) error {
	if !c.iss.ok || c.iss.v != iss {
		return errWrongIssuer
	}
	if !contains(c.aud, aud) {
		return errWrongAudience
	}
	if !c.exp.ok {
		return errMissingExp
	}
	t := float64(now.UnixNano()) / 1e9
	l := leeway.Seconds()
	switch {
	case t >= c.exp.v+l:
		return errExpired
	case c.nbf.ok && t < c.nbf.v-l:
		return errNotYetValid
	case c.iat.ok && t < c.iat.v-l:
		return errIssuedFuture
	}
	return nil
}

// principal applies learnd's claim rules to a verified, validated payload.
func (c *payload) principal() (Principal, error) {
	if !c.sub.ok {
		return Principal{}, errMissingSub
	}
	pid, err := typeid.Parse(typeid.Person, c.sub.v)
	if err != nil {
		return Principal{}, errBadSub
	}
	p := Principal{
		Subject:  typeid.Format(typeid.Person, pid),
		PersonID: pid,
		Role:     RoleLearner,
		Surface:  SurfaceAPI,
		TokenID:  c.jti.v,
	}
	switch {
	case !c.tenantID.ok:
		return Principal{}, errMissingTenant
	case !validTenantID(c.tenantID.v):
		return Principal{}, errBadTenant
	}
	p.TenantID = c.tenantID.v
	if c.appID.v != "" {
		if !validAppID(c.appID.v) {
			return Principal{}, errBadAppID
		}
		p.AppID = c.appID.v
	}
	if c.keyID.ok {
		kid, err := typeid.Parse(typeid.APIKey, c.keyID.v)
		if err != nil {
			return Principal{}, errBadKeyID
		}
		p.KeyID = typeid.Format(typeid.APIKey, kid)
	}
	if c.role.ok {
		if p.Role, err = ParseRole(c.role.v); err != nil {
			return Principal{}, invalidf("unknown role %.32q", c.role.v)
		}
	}
	if c.scp.ok {
		if p.Scopes, err = parseScopes(c.scp.v); err != nil {
			return Principal{}, errBadScope
		}
	} else {
		p.Scopes = defaultScopes()
	}
	return p, nil
}
