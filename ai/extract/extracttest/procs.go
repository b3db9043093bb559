package extracttest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Children lists this process's live child processes (pid → command), from /proc: a
// test checks with it that no extraction program outlives its extraction.
func Children() map[int]string {
	out := map[int]string{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	me := os.Getpid()
	for _, s := range stats {
		b, err := os.ReadFile(s)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
		text := string(b)
		i := strings.LastIndexByte(text, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(text[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, _ := strconv.Atoi(f[1]); ppid == me {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(s)))
			out[pid] = text[strings.IndexByte(text, '(')+1 : i]
		}
	}
	return out
}
