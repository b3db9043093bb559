package extracttest

import (
	"time"

	"github.com/learnd/learnd/ai/extract"
)

// Extractor is the extractor tests read documents with: the production limits, except
// that a test waits for an extraction slot as long as it takes. Parallel tests share one
// slot per CPU pair, and on a busy machine the 20-second queue a server gives an upload
// would fail a test about reading a document for a reason it is not about.
var Extractor = extract.Extractor{Limits: extract.Limits{QueueWait: 5 * time.Minute}}
