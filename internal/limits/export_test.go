package limits

import "time"

// SetClock makes m read the time from now.
func SetClock(m *Memory, now func() time.Time) { m.now = now }
