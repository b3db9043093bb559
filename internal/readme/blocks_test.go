package readme

import (
	"reflect"
	"testing"
)

func TestBlocks(t *testing.T) {
	t.Parallel()
	md := "# x\n\n```sh\necho a\n```\n\ntext\n\n```sh no-run\nmake run\n```\n\n```go\nx := 1\n```\n```bash\necho b\n```\n"
	got := Blocks(md)
	want := []Block{{Line: 3, Code: "echo a\n", Run: true}, {Line: 9, Code: "make run\n", Run: false}, {Line: 16, Code: "echo b\n", Run: true}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Blocks = %+v, want %+v", got, want)
	}
}

func TestCalls(t *testing.T) {
	t.Parallel()
	code := `API=$LEARND_URL/api
# Update; If-Match is required (none → 428, stale → 412)
curl -s -X PATCH $API/x -H "If-Match: $ETAG" \
  -d '{"a": "#1 of 500"}'   # 412: stale
ID=$(curl -s $API/y | python3 -c 'import json,sys; print(1)')
curl -s $API/z          # 404 problem+json
echo "curl is not run here" # 500
`
	got := Calls(code)
	want := []Call{
		{Command: `curl -s -X PATCH $API/x -H "If-Match: $ETAG"    -d '{"a": "#1 of 500"}'   `, Status: 412},
		{Command: `ID=$(curl -s $API/y | python3 -c 'import json,sys; print(1)')`},
		{Command: `curl -s $API/z          `, Status: 404},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Calls =\n%#v\nwant\n%#v", got, want)
	}
	if a, w := Allowed(code), map[int]bool{428: true, 412: true, 404: true, 500: true}; !reflect.DeepEqual(a, w) {
		t.Fatalf("Allowed = %v, want %v", a, w)
	}
}
