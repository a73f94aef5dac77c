# Shared by the demo and the benchmark suite.

# The best any client can do against a server that answers after a uniform 0..MaxDelayMs delay, with
# ThrottleLimit requests in flight: Little's law gives the steady rate (limit / mean delay); this
# simulation adds the tail of the last wave to give the best possible run time.
function Get-IdealElapsedSeconds {
    param([long] $Count, [int] $ThrottleLimit, [int] $MaxDelayMs, [int] $Runs = 5)
    $random = [Random]::new(1)
    $total = 0.0
    for ($run = 0; $run -lt $Runs; $run++) {
        $finish = [System.Collections.Generic.PriorityQueue[double, double]]::new()
        $slots = [Math]::Min($Count, $ThrottleLimit)
        for ($i = 0; $i -lt $slots; $i++) {
            $t = $random.Next(0, $MaxDelayMs + 1) / 1000.0
            $finish.Enqueue($t, $t)
        }
        for ($i = $slots; $i -lt $Count; $i++) {
            $now = $finish.Dequeue()
            $t = $now + $random.Next(0, $MaxDelayMs + 1) / 1000.0
            $finish.Enqueue($t, $t)
        }
        $last = 0.0
        while ($finish.Count -gt 0) { $last = $finish.Dequeue() }
        $total += $last
    }
    return $total / $Runs
}
