// grafana-dashboard-check unmarshals Grafana dashboard JSON files strictly with Grafana's own
// generated types (grafana-foundation-sdk) and runs their validation constraints: an unknown field,
// a wrong type, a missing required field or an unknown panel/query shape is an error.
//
//	grafana-dashboard-check FILE...
//
// Prints one line per file ("ok FILE" or "FAIL FILE" followed by one "  path: message" per error)
// and exits 1 when any file fails, 2 on usage or read errors.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: grafana-dashboard-check FILE...")
		os.Exit(2)
	}
	// Panel options and queries are typed per plugin: register every built-in panel and datasource.
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, file := range os.Args[1:] {
		raw, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		problems := check(raw)
		if len(problems) == 0 {
			fmt.Printf("ok %s\n", file)
			continue
		}
		failed = true
		fmt.Printf("FAIL %s\n", file)
		for _, p := range problems {
			fmt.Printf("  %s\n", p)
		}
	}
	if failed {
		os.Exit(1)
	}
}

func check(raw []byte) []string {
	var board dashboard.Dashboard
	problems := messages(board.UnmarshalJSONStrict(raw))
	if len(problems) > 0 {
		return problems
	}
	return messages(board.Validate())
}

// messages flattens an error into lines. The SDK returns a cog.BuildErrors list as its error; at
// v0.0.22 a successful call may return an EMPTY list (a non-nil error value), which is success.
func messages(err error) []string {
	if err == nil {
		return nil
	}
	var list cog.BuildErrors
	if errors.As(err, &list) {
		out := make([]string, 0, len(list))
		for _, e := range list {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}
