"""Tables of the BFCL VehicleControlAPI environment. Own metadata, every table prefixed `vc_`, so
they can share one database with the other BFCL APIs. Column names are BFCL's config keys."""

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class VehicleBase(DeclarativeBase):
    pass


class VcVehicle(VehicleBase):
    """The car (a single row, id 1): engine, fuel, brakes, climate, lights, cruise control,
    navigation and tyres. `carInfo` is a JSON object (make, model, ...)."""

    __tablename__ = "vc_vehicle"

    id: Mapped[int] = mapped_column(primary_key=True)
    fuel_level: Mapped[float] = mapped_column("fuelLevel")
    battery_voltage: Mapped[float] = mapped_column("batteryVoltage")
    engine_state: Mapped[str] = mapped_column("engineState")
    ac_temperature: Mapped[float] = mapped_column("acTemperature")
    fan_speed: Mapped[int] = mapped_column("fanSpeed")
    ac_mode: Mapped[str] = mapped_column("acMode")
    humidity_level: Mapped[float] = mapped_column("humidityLevel")
    headlight_status: Mapped[str] = mapped_column("headLightStatus")
    parking_brake_status: Mapped[str] = mapped_column("parkingBrakeStatus")
    parking_brake_force: Mapped[float] = mapped_column("parkingBrakeForce")
    slope_angle: Mapped[float] = mapped_column("slopeAngle")
    brake_pedal_status: Mapped[str] = mapped_column("brakePedalStatus")
    brake_pedal_force: Mapped[float] = mapped_column("brakePedalForce")
    distance_to_next_vehicle: Mapped[float] = mapped_column("distanceToNextVehicle")
    cruise_status: Mapped[str] = mapped_column("cruiseStatus")
    current_speed: Mapped[float] = mapped_column("currentSpeed")
    destination: Mapped[str]
    outside_temperature: Mapped[float] = mapped_column("outsideTemperature")
    front_left_tire_pressure: Mapped[float] = mapped_column("frontLeftTirePressure")
    front_right_tire_pressure: Mapped[float] = mapped_column("frontRightTirePressure")
    rear_left_tire_pressure: Mapped[float] = mapped_column("rearLeftTirePressure")
    rear_right_tire_pressure: Mapped[float] = mapped_column("rearRightTirePressure")
    car_info: Mapped[str] = mapped_column("carInfo")


class VcDoor(VehicleBase):
    """One door's lock: driver, passenger, rear_left, rear_right."""

    __tablename__ = "vc_doors"

    door: Mapped[str] = mapped_column(primary_key=True)
    status: Mapped[str]


class VcExtra(VehicleBase):
    """Top-level config keys the API does not model, kept verbatim (JSON)."""

    __tablename__ = "vc_extras"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[str]
