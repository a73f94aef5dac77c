namespace LoadTest.Wire.Http2;

/// <summary>
/// The decoder's dynamic table (RFC 7541 2.3.2, 4): newest entry first, each entry costing its name and
/// value lengths plus 32, the oldest evicted when the table would grow past its maximum size.
/// </summary>
internal sealed class HPackDynamicTable
{
    private const int EntryOverhead = 32;

    private (string Name, byte[] Value)[] _entries = new (string, byte[])[16];
    private int _newest = -1;
    private int _count;
    private int _size;

    public HPackDynamicTable(int maxSize)
    {
        MaxSize = maxSize;
    }

    public int Count => _count;

    public int MaxSize { get; private set; }

    /// <summary>The entries' sizes added up (RFC 7541 4.1).</summary>
    public int Size => _size;

    /// <summary>The entry at <paramref name="index"/>: 0 is the newest.</summary>
    public (string Name, byte[] Value) Get(int index)
    {
        if ((uint)index >= (uint)_count)
        {
            throw Http2Errors.Compression("A header field refers to an index past the end of the table.");
        }

        int at = _newest - index;
        return _entries[at < 0 ? at + _entries.Length : at];
    }

    public void Add(string name, byte[] value)
    {
        int size = name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            // An entry larger than the table empties it and is not added (RFC 7541 4.4).
            _count = 0;
            _size = 0;
            return;
        }

        Evict(MaxSize - size);
        if (_count == _entries.Length)
        {
            var grown = new (string, byte[])[_entries.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                grown[_count - 1 - i] = Get(i);
            }

            _entries = grown;
            _newest = _count - 1;
        }

        _newest = (_newest + 1) % _entries.Length;
        _entries[_newest] = (name, value);
        _count++;
        _size += size;
    }

    /// <summary>A dynamic table size update: the new size, never above what was announced.</summary>
    public void Resize(int maxSize, int announced)
    {
        if (maxSize > announced)
        {
            throw Http2Errors.Compression("A table size update exceeds the announced maximum.");
        }

        MaxSize = maxSize;
        Evict(maxSize);
    }

    private void Evict(int room)
    {
        while (_size > room && _count > 0)
        {
            (string name, byte[] value) = Get(_count - 1);
            _size -= name.Length + value.Length + EntryOverhead;
            _count--;
        }
    }
}
