package server

import (
	"strings"
	"testing"
)

func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		want       []string // pointer: detail
	}{
		{"valid", `{"email":"zoë@example.com","tags":["a","ü"]}`, nil},
		{"member value", "{\"name\":\"Eve\",\"email\":\"\xff\xfe@example\"}", []string{"/email: must be valid UTF-8"}},
		{"array element", "{\"tags\":[\"ok\",\"b\xc3\"],\"n\":1.5e3,\"b\":true,\"z\":null}", []string{"/tags/1: must be valid UTF-8"}},
		{"nested", "{\"metadata\":{\"a/b\":{\"c~d\":\"\xe2\x82\"}}}", []string{"/metadata/a~1b/c~0d: must be valid UTF-8"}},
		{"escaped name", "{\"na\\u006de\":\"\xff\"}", []string{"/name: must be valid UTF-8"}},
		{"bad member name", "{\"e\xffmail\":\"x\"}", []string{"/e\uFFFDmail: member names must be valid UTF-8"}},
		{"escaped quote before the bad byte", "{\"s\":\"\\\"\xff\\\\\"}", []string{"/s: must be valid UTF-8"}},
		{"two fields", "[\"\xff\",{\"x\":[\"\xfe\"]}]", []string{"/0: must be valid UTF-8", "/1/x/0: must be valid UTF-8"}},
		{"root string", "\"\xff\"", []string{": must be valid UTF-8"}},
		{"not JSON: left to the contract", "{\"email\":\"\xff\"", nil},
		{"bad byte outside a string", "{\"n\":\xff}", nil},
		{"trailing data", "{\"a\":\"\xff\"} x", nil},
	}
	for _, c := range cases {
		var got []string
		for _, f := range invalidUTF8([]byte(c.body)) {
			got = append(got, *f.Pointer+": "+f.Detail)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestInvalidUTF8Deep(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("[", 10001) + "\"\xff\"" + strings.Repeat("]", 10001)
	if got := invalidUTF8([]byte(deep)); got != nil {
		t.Errorf("a document nested past the limit: %v, want nil (left to the contract)", got)
	}
}
