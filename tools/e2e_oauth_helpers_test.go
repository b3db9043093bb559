package tools_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The Go side of the OAuth 2.1 tests (helper names start with oauthT): a raw client of
// learnd's authorization server that registers, authorizes (filling the consent page's
// form), and exchanges codes and refresh tokens, each step separately so the tests can
// break any of them.

// oauthTClient is one registered client and the HTTP client (with cookies, without
// following redirects) of the person's browser.
type oauthTClient struct {
	base     string // learnd's public URL
	id       string
	redirect string
	http     *http.Client
}

// oauthTRegister registers a client with redirect at env's authorization server.
func oauthTRegister(t *testing.T, base, redirect string) *oauthTClient {
	t.Helper()
	status, body := oauthTJSON(t, http.MethodPost, base+"/oauth/register",
		`{"client_name":"Go test client","redirect_uris":["`+redirect+`"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}`)
	if status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, body)
	}
	id, _ := body["client_id"].(string)
	if id == "" {
		t.Fatalf("register: no client_id: %v", body)
	}
	jar, _ := cookiejar.New(nil)
	return &oauthTClient{base: base, id: id, redirect: redirect, http: &http.Client{
		Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// oauthTPKCE is a fresh code verifier and its S256 challenge.
func oauthTPKCE() (verifier, challenge string) {
	var b [32]byte
	_, _ = rand.Read(b[:])
	verifier = base64.RawURLEncoding.EncodeToString(b[:])
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL is the authorization request with params (over the defaults: code, the
// client's redirect, read write, state s1, S256; resource and code_challenge are the
// caller's).
func (c *oauthTClient) authorizeURL(params url.Values) string {
	v := url.Values{"response_type": {"code"}, "client_id": {c.id}, "redirect_uri": {c.redirect},
		"scope": {"read write"}, "state": {"s1"}, "code_challenge_method": {"S256"}}
	for k, vals := range params {
		v[k] = vals
	}
	for k, vals := range v {
		if len(vals) == 1 && vals[0] == "" {
			delete(v, k)
		}
	}
	return c.base + "/oauth/authorize?" + v.Encode()
}

// get fetches u in the browser (no redirects followed).
func (c *oauthTClient) get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	res, err := c.http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

var (
	oauthTInput = regexp.MustCompile(`name="(id|csrf)" value="([^"]*)"`)
)

// consent follows the authorization request to the consent page, signs in with key and
// answers action (approve or deny); it returns the response of the last step that left
// learnd (the redirect to the client) or the page that stayed.
func (c *oauthTClient) consent(t *testing.T, authorize, key, action string) (*http.Response, string) {
	t.Helper()
	res, body := c.get(t, authorize)
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", res.StatusCode, oauthTShort(body))
	}
	page := res.Header.Get("Location")
	if !strings.HasPrefix(page, c.base+"/oauth/consent?") {
		t.Fatalf("authorize redirects to %q, not the consent page", page)
	}
	res, body = c.get(t, page)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("consent page: %d %s", res.StatusCode, oauthTShort(body))
	}
	form := url.Values{"api_key": {key}, "action": {action}, "method": {"api_key"}}
	for _, m := range oauthTInput.FindAllStringSubmatch(body, -1) {
		form.Set(m[1], m[2])
	}
	res, err := c.http.PostForm(c.base+"/oauth/consent", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return res, string(b)
	}
	next := res.Header.Get("Location")
	if !strings.HasPrefix(next, c.base) { // denied: straight back to the client
		return res, string(b)
	}
	return c.get(t, next) // the callback, which redirects to the client with the code
}

// code runs the whole authorization (approved with key) and returns the code.
func (c *oauthTClient) code(t *testing.T, challenge, resource, key string) string {
	t.Helper()
	return c.codeFor(t, url.Values{"code_challenge": {challenge}, "resource": {resource}}, key)
}

// codeFor is code with the authorization request's params (see authorizeURL).
func (c *oauthTClient) codeFor(t *testing.T, params url.Values, key string) string {
	t.Helper()
	res, body := c.consent(t, c.authorizeURL(params), key, "approve")
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), c.redirect) {
		t.Fatalf("approve: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), oauthTShort(body))
	}
	if loc.Query().Get("state") != "s1" || loc.Query().Get("code") == "" || loc.Query().Get("iss") != c.base {
		t.Fatalf("redirect %s: want state s1, a code and the issuer (RFC 9207)", loc)
	}
	return loc.Query().Get("code")
}

// token posts a token request and returns the status and the JSON answer.
func (c *oauthTClient) token(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	form.Set("client_id", c.id)
	return oauthTForm(t, c.base+"/oauth/token", form)
}

func oauthTForm(t *testing.T, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	return oauthTDecode(t, res)
}

func oauthTJSON(t *testing.T, method, u, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return oauthTDecode(t, res)
}

func oauthTDecode(t *testing.T, res *http.Response) (int, map[string]any) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s %s: %d, not JSON: %s", res.Request.Method, res.Request.URL, res.StatusCode, oauthTShort(string(b)))
	}
	return res.StatusCode, out
}

func oauthTShort(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
