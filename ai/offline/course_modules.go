package offline

import "slices"

// byHeading groups the sentences by (source, heading): a new group wherever either changes.
func (d *doc) byHeading() []*module {
	var out []*module
	prevKey := "\x00"
	for i := range d.sents {
		c := d.chunks[d.sents[i].chunk]
		key := c.Source + "\x00" + normalize(c.Heading)
		if key != prevKey {
			out = append(out, &module{origins: []origin{{heading: normalize(c.Heading)}}})
			prevKey = key
		}
		m := out[len(out)-1]
		m.sents = append(m.sents, i)
		m.origins[0].words += d.sents[i].words
	}
	return out
}

// fit merges or splits modules to approach n: too many, adjacent ones are merged into
// n contiguous groups of about equal words (the partition whose largest group is
// smallest); too few, the largest module is split in two (at the chunk boundary nearest
// its middle) while one is large enough.
func (d *doc) fit(mods []*module, n int) []*module {
	if len(mods) > n && n > 0 {
		mods = d.merge(mods, n)
	}
	const minPart = 3 // sentences on each side of a split
	for len(mods) < n {
		best, bestW := -1, 0
		for i, m := range mods {
			if w := d.wordsOf(m.sents); len(m.sents) >= 2*minPart && w > bestW {
				best, bestW = i, w
			}
		}
		if best < 0 {
			break
		}
		m := mods[best]
		cut := d.splitPoint(m.sents, minPart)
		left := &module{origins: m.origins, part: true, sents: m.sents[:cut:cut]}
		right := &module{origins: m.origins, part: true, sents: slices.Clone(m.sents[cut:])}
		mods = slices.Replace(mods, best, best+1, left, right)
	}
	return mods
}

// merge groups modules into n contiguous runs, minimising the largest run's words.
func (d *doc) merge(mods []*module, n int) []*module {
	g := len(mods)
	prefix := make([]int, g+1)
	for i, m := range mods {
		prefix[i+1] = prefix[i] + d.wordsOf(m.sents)
	}
	// cost[j][i]: the least possible largest run when the first i modules form j runs;
	// cut[j][i]: where the last of those runs starts.
	cost := make([][]int, n+1)
	cut := make([][]int, n+1)
	for j := range cost {
		cost[j] = make([]int, g+1)
		cut[j] = make([]int, g+1)
		for i := range cost[j] {
			cost[j][i] = -1
		}
	}
	cost[0][0] = 0
	for j := 1; j <= n; j++ {
		for i := j; i <= g; i++ {
			for p := j - 1; p < i; p++ {
				if cost[j-1][p] < 0 {
					continue
				}
				c := max(cost[j-1][p], prefix[i]-prefix[p])
				if cost[j][i] < 0 || c < cost[j][i] {
					cost[j][i], cut[j][i] = c, p
				}
			}
		}
	}
	out := make([]*module, n)
	end := g
	for j := n; j >= 1; j-- {
		start := cut[j][end]
		m := &module{}
		for _, x := range mods[start:end] {
			m.origins = append(m.origins, x.origins...)
			m.part = m.part || x.part
			m.sents = append(m.sents, x.sents...)
		}
		out[j-1] = m
		end = start
	}
	return out
}

// splitPoint is where to cut sentences in two: the chunk boundary nearest the middle (by
// words) when one lies in the middle half, else the middle sentence; each side keeps at
// least min sentences.
func (d *doc) splitPoint(sents []int, minSide int) int {
	total := d.wordsOf(sents)
	half, acc := total/2, 0
	mid := len(sents) / 2
	for i, si := range sents {
		acc += d.sents[si].words
		if acc >= half {
			mid = i + 1
			break
		}
	}
	mid = min(max(mid, minSide), len(sents)-minSide)
	best, bestDist := mid, len(sents)
	for i := minSide; i <= len(sents)-minSide; i++ {
		if d.sents[sents[i]].chunk != d.sents[sents[i-1]].chunk {
			if dist := abs(i - mid); dist < bestDist && dist <= len(sents)/4 {
				best, bestDist = i, dist
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
