"""tools.diagrams draws the course's diagrams (notebooks 01 and 08 show them), from one command."""

import imageio.v3 as iio

from tools import diagrams


def test_one_command_draws_every_diagram(tmp_path, capsys):
    assert diagrams.main(["--out", str(tmp_path)]) == 0
    for name in diagrams.DIAGRAMS:
        picture = iio.imread(tmp_path / name)
        assert picture.ndim == 3 and picture.shape[1] > 1_000  # A wide, readable figure.
        assert picture.std() > 10  # Not blank.
    assert capsys.readouterr().out.count("wrote") == len(diagrams.DIAGRAMS) == 3


def test_an_unwritable_folder_is_one_line_and_status_2(tmp_path, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    assert diagrams.main(["--out", str(blocker / "images")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
