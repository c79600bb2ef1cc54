package engine

// Keys are Zeebe's: the partition id in the high bits, a counter in the
// low 51 bits. Engines that own different partitions therefore never hand
// out the same key, and any key tells which partition owns its entity.

// keyBits is how many low bits of a key count; the partition id sits above.
const keyBits = 51

// EncodeKey returns the key of the n-th entity of a partition.
func EncodeKey(partition int32, n int64) int64 { return int64(partition)<<keyBits + n }

// PartitionOf returns the partition a key belongs to.
func PartitionOf(key int64) int32 { return int32(key >> keyBits) }

// nextKey hands out the next key of the engine's partition.
func (e *Engine) nextKey() int64 {
	e.keyCounter++
	return EncodeKey(e.partition, e.keyCounter)
}
