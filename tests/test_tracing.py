import asyncio

from backends.tracing import collect_track_ids, report_track_id


def test_ids_are_collected_in_order_once_each_and_only_inside_a_collector() -> None:
    report_track_id("outside")  # no collector: nothing to do, nothing raised
    with collect_track_ids() as ids:
        report_track_id("a")
        report_track_id("b")
        report_track_id("a")  # a retry of the same logical call
    report_track_id("after")
    assert ids == ["a", "b"]


async def test_concurrent_actions_never_see_each_others_ids() -> None:
    async def action(name: str) -> list[str]:
        with collect_track_ids() as ids:
            for n in range(3):
                report_track_id(f"{name}-{n}")
                await asyncio.sleep(0)
            # a call fanned out to child tasks still reports into this action
            await asyncio.gather(asyncio.create_task(_report(f"{name}-child")))
        return ids

    first, second = await asyncio.gather(action("x"), action("y"))
    assert first == ["x-0", "x-1", "x-2", "x-child"]
    assert second == ["y-0", "y-1", "y-2", "y-child"]


async def _report(track_id: str) -> None:
    report_track_id(track_id)
