package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

var pathVar = regexp.MustCompile(`\{([^}]+)\}`)

// goSample is a Go program's body calling the operation through the SDK: the client from
// the demo environment, the contract's examples for path parameters and the body (decoded
// into the body's type), nil for optional parameters.
func goSample(g *group, r *resource, meth *method) (string, error) {
	var pre, args []string
	pathVals := []string{}
	for _, m := range pathVar.FindAllStringSubmatch(meth.Path, -1) {
		v := "{" + m[1] + "}"
		for _, p := range meth.params {
			if p.In == openapi3.ParameterInPath && p.Name == m[1] {
				v = paramExample(p)
			}
		}
		pathVals = append(pathVals, v)
	}
	ct, mt := bodyMedia(meth.op)
	for i, a := range meth.Args {
		switch {
		case i == meth.paramsArg:
			args = append(args, "nil")
		case len(pathVals) > 0 && !strings.HasPrefix(a.Type, "*") && a.Type != "io.Reader" && a.Name != "contentType" &&
			(a.Type == "string" || strings.HasSuffix(a.Type, "Path") || strings.HasSuffix(a.Type, "ID")):
			args = append(args, strconv.Quote(pathVals[0]))
			pathVals = pathVals[1:]
		case a.Name == "contentType" && a.Type == "string":
			args = append(args, "w.FormDataContentType()")
		case a.Type == "io.Reader":
			pre = append(pre,
				"var buf bytes.Buffer",
				"w := multipart.NewWriter(&buf)",
				`part, err := w.CreateFormFile("file", "manual.pdf")`,
				"if err != nil {\n\tlog.Fatal(err)\n}",
				`data, err := os.ReadFile("manual.pdf")`,
				"if err != nil {\n\tlog.Fatal(err)\n}",
				"_, _ = part.Write(data)",
				"_ = w.Close()")
			args = append(args, "&buf")
		case strings.HasPrefix(a.Type, "client."):
			var ex any
			if mt != nil {
				ex = example(mt)
			}
			pre = append(pre, "var body "+a.Type,
				"if err := json.Unmarshal([]byte(`"+strings.ReplaceAll(compactJSON(ex), "`", "")+"`), &body); err != nil {\n\tlog.Fatal(err)\n}")
			args = append(args, "body")
		default:
			return "", fmt.Errorf("argument %s %s (body %q): no sample value", a.Name, a.Type, ct)
		}
	}
	token := tokenVar(meth.op)
	lines := []string{"ctx := context.Background()"}
	if token == "" {
		lines = append(lines, `c, err := sdk.New(os.Getenv("LEARND_URL"))`)
	} else {
		lines = append(lines, `c, err := sdk.New(os.Getenv("LEARND_URL"), sdk.WithToken(os.Getenv("`+token+`")))`)
	}
	lines = append(lines, "if err != nil {\n\tlog.Fatal(err)\n}")
	lines = append(lines, pre...)
	call := fmt.Sprintf("c.%s.%s.%s(%s)", g.GoName, r.GoName, meth.GoName, strings.Join(append([]string{"ctx"}, args...), ", "))
	if meth.Result != "" {
		lines = append(lines, "res, err := "+call, "if err != nil {\n\tlog.Fatal(err) // *sdk.Error: StatusCode, Problem\n}", `fmt.Printf("%+v\n", res)`)
	} else {
		lines = append(lines, "if err := "+call+"; err != nil {\n\tlog.Fatal(err) // *sdk.Error: StatusCode, Problem\n}")
	}
	return strings.Join(lines, "\n"), nil
}
